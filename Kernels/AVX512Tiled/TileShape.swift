#if arch(x86_64)
import KernelCore

/// The tile shape and cache slice of a run: the tiled variants' tunable parameters.
struct TileShape: Sendable {
    /// Rows per register tile, a multiple of 16 (R = rows / 16 zmm row groups).
    let rows: Int
    /// Activation columns per register tile (C).
    let columns: Int
    /// Values of K per packed activation slice; 0 packs all of K at once.
    let sliceValues: Int

    var rowGroups: Int { rows / TileLayout.rowsPerGroup }

    init(rows: Int, columns: Int, sliceValues: Int) {
        self.rows = rows
        self.columns = columns
        self.sliceValues = sliceValues
    }

    /// The shape from resolved parameters, `defaults` for any that are missing.
    init(_ parameters: KernelParameters, defaults: TileShape) {
        self.init(rows: parameters[Self.rowsName] ?? defaults.rows,
                  columns: parameters[Self.columnsName] ?? defaults.columns,
                  sliceValues: parameters[Self.sliceName] ?? defaults.sliceValues)
    }

    static let rowsName = ParameterName.rows, columnsName = ParameterName.columns, sliceName = ParameterName.slice
    /// R x C sets the register budget: 2 R C accumulators (integer and float) of the 32 zmm registers, plus R or 2 R
    /// code vectors; 48 x 4 and 32 x 6 fill them, larger tiles spill (still correct, slower), and past 8 columns the
    /// compiler no longer unrolls the column loop at all, so the choices stop there. Every format's default is
    /// 48 rows x 4 columns with 2048-value slices: fastest or within noise of it for all four formats at
    /// 4096 x 14336 x 512 on Zen 5 (2 rounds of the 3 x 3 x 3 sweep of shapes 32x6, 48x4, 32x4, 16x8 and slices
    /// 1024, 2048, 4096; 16-row tiles were 5-25% slower, whole-K slices up to 5% slower).

    static let rowChoices = [16, 32, 48]
    static let columnChoices = [4, 6, 8]
    /// Multiples of 256 so that every format's blocks fit whole.
    static let sliceChoices = [0, 256, 512, 1024, 2048, 4096]

    /// The tunable parameters, with this format's measured defaults.
    func parameters() -> [TunableParameter] {
        [
            TunableParameter(name: Self.rowsName, values: Self.rowChoices, defaultValue: rows,
                             summary: "rows per register tile (16 per zmm row group)"),
            TunableParameter(name: Self.columnsName, values: Self.columnChoices, defaultValue: columns,
                             summary: "activation columns per register tile"),
            TunableParameter(name: Self.sliceName, values: Self.sliceChoices, defaultValue: sliceValues,
                             summary: "values of K per packed activation slice, kept in L2 (0: all of K)"),
        ]
    }
}
#endif
