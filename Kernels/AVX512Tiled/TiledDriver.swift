#if arch(x86_64)
import KernelCore
import QuantFormats

/// The loops around the micro-kernel (BLIS order): for each slice of K, pack that slice of every activation column
/// (about L2-sized: 2048 values x 512 columns of q8_0 is 1.2 MB), then for each panel of 16 R rows (its slice of
/// packed weights, 61 KB for 48 rows of q4_0, stays in L1/L2 while it is reused) run the micro-kernel over every tile
/// of C columns. The weights are read from memory once per call; the first slice stores into y, later slices add.
///
/// Each call packs its own activations, so the threaded variant packs once per row chunk: about 2% of a chunk's time
/// at N = 512 (a copy and a few sums per block), which is why the packing is a straight copy.
enum TiledDriver {
    /// `RowKernel.computeRows` for format `F`, reading `TiledWeights` from `weights.packed`.
    static func computeRows<F: TiledFormat>(_ format: F.Type, _ weights: PreparedWeights, _ xq: UnsafeRawPointer, _ n: Int,
                                            _ y: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
                                            _ parameters: KernelParameters) {
        guard !rows.isEmpty else { return }
        guard let packed = weights.packed as? TiledWeights else {
            preconditionFailure("\(F.weightType.name) tiled kernel needs weights from its own prepare, got layout '\(weights.layout)'")
        }
        let tile = TileShape(parameters, defaults: F.defaultShape)
        let group = TileLayout.rowsPerGroup
        precondition(rows.lowerBound % group == 0 && rows.upperBound <= packed.rows, "row range \(rows) not aligned to \(group)")
        let m = packed.rows
        let columnBytes = ActivationPacker.sourceBlockBytes(F.self) * packed.blocksPerRow
        let sliceBlocks = tile.sliceValues == 0 ? packed.blocksPerRow : max(1, min(packed.blocksPerRow, tile.sliceValues / F.blockSize))
        let tiles = (n + tile.columns - 1) / tile.columns
        let tileBlockBytes = F.activationBlockBytes(columns: tile.columns)
        let buffer = AlignedBuffer(count: tiles * sliceBlocks * tileBlockBytes)
        let firstGroup = rows.lowerBound / group, endGroup = (rows.upperBound + group - 1) / group

        for firstBlock in stride(from: 0, to: packed.blocksPerRow, by: sliceBlocks) {
            let blocks = min(sliceBlocks, packed.blocksPerRow - firstBlock)
            ActivationPacker.pack(F.self, columns: xq, columnBytes: columnBytes, n: n, firstBlock: firstBlock,
                                  blocks: blocks, tileColumns: tile.columns, into: buffer.base)
            var g = firstGroup
            while g < endGroup {
                let groups = min(tile.rowGroups, endGroup - g)
                let panel = Panel(weights: packed.block(group: g, block: firstBlock), groupStride: packed.groupStride,
                                  activations: UnsafeRawPointer(buffer.base), tileStride: blocks * tileBlockBytes,
                                  tiles: tiles, blocks: blocks, output: y + g * group, outputStride: m,
                                  validRows: rows.upperBound - g * group, columns: n,
                                  accumulate: firstBlock > 0)
                dispatch(F.self, rowGroups: groups, columns: tile.columns, panel)
                g += groups
            }
        }
    }

    /// One panel of row groups against every column tile of one slice.
    struct Panel {
        let weights: UnsafeRawPointer
        let groupStride: Int
        let activations: UnsafeRawPointer
        let tileStride: Int
        let tiles: Int
        let blocks: Int
        let output: UnsafeMutablePointer<Float>
        let outputStride: Int
        let validRows: Int
        let columns: Int
        let accumulate: Bool
    }

    /// Picks the compiled micro-kernel for the tile shape (R row groups of 16, C columns).
    static func dispatch<F: TiledFormat>(_ format: F.Type, rowGroups: Int, columns: Int, _ panel: Panel) {
        switch (rowGroups, columns) {
        case (1, 4): run(F.self, MicroKernel<1, 4>.self, panel)
        case (1, 6): run(F.self, MicroKernel<1, 6>.self, panel)
        case (1, 8): run(F.self, MicroKernel<1, 8>.self, panel)
        case (2, 4): run(F.self, MicroKernel<2, 4>.self, panel)
        case (2, 6): run(F.self, MicroKernel<2, 6>.self, panel)
        case (2, 8): run(F.self, MicroKernel<2, 8>.self, panel)
        case (3, 4): run(F.self, MicroKernel<3, 4>.self, panel)
        case (3, 6): run(F.self, MicroKernel<3, 6>.self, panel)
        case (3, 8): run(F.self, MicroKernel<3, 8>.self, panel)
        default: preconditionFailure("no micro-kernel for \(rowGroups) row groups x \(columns) columns")
        }
    }

    /// The micro-kernel over every column tile of the panel; one specialisation per format and tile shape.
    @inline(never)
    static func run<F: TiledFormat, let R: Int, let C: Int>(_ format: F.Type, _ kernel: MicroKernel<R, C>.Type, _ p: Panel) {
        for t in 0..<p.tiles {
            MicroKernel<R, C>.run(F.self, weights: p.weights, groupStride: p.groupStride,
                                  activations: p.activations + t * p.tileStride, blocks: p.blocks,
                                  output: p.output + t * C * p.outputStride, outputStride: p.outputStride,
                                  validRows: p.validRows, validColumns: p.columns - t * C, accumulate: p.accumulate)
        }
    }
}

#endif
