import QuantFormats

/// One quantized activation column re-laid for the portable row kernels, once per `computeRows` call: the int8
/// quants widened to int16 (so that every row's products are single 16-bit multiplies), and the per-unit scales and
/// sums converted to floats in groups of four (a "quad", the lanes of the kernels' float accumulators).
///
///     offset                   size                   field
///     0                        quads * 4 * unitBytes  quants: unit by unit; within a unit, each 16 values are
///                                                     stored as their 8 even-indexed then their 8 odd-indexed
///                                                     values, matching how the kernels split weight bytes
///     quads * quadBytes        quads * 16             laneA: one SIMD4<Float> per quad (lane = unit in the quad)
///     ... + quads * 16         quads * 16             laneB: likewise
///
/// What laneA and laneB hold depends on the activation format (see `PortableActivation`). Units past the end of
/// the row (when the unit count is not a multiple of 4) are all zeros.
struct ActivationLayout {
    /// Values per unit: a block of q8_0 or q8_1 (32), a q4_K sub-block (32) or a q6_K sub-block (16).
    let unitElements: Int
    /// Units in the row, and quads after padding to a multiple of 4.
    let units: Int
    let quads: Int

    init(unitElements: Int, columns k: Int) {
        precondition(unitElements % 16 == 0 && k % unitElements == 0, "a row is whole units of 16-value groups")
        self.unitElements = unitElements
        units = k / unitElements
        quads = (units + 3) / 4
    }

    var unitBytes: Int { unitElements * MemoryLayout<Int16>.stride }
    var quadBytes: Int { 4 * unitBytes }
    var laneAOffset: Int { quads * quadBytes }
    var laneBOffset: Int { laneAOffset + quads * MemoryLayout<SIMD4<Float>>.stride }
    /// Bytes per column; a multiple of 16, so every column keeps the buffer's alignment.
    var columnBytes: Int { laneBOffset + quads * MemoryLayout<SIMD4<Float>>.stride }

    /// The quants of quad `quad` of the column at `column`, as the kernels read them.
    @inline(__always)
    func quadActivations(_ column: UnsafeRawPointer, quad: Int) -> QuadActivations {
        QuadActivations(base: column + quad &* quadBytes, columnStride: columnBytes, unitStride: unitBytes)
    }

    @inline(__always)
    func laneA(_ column: UnsafeRawPointer, column c: Int, quad: Int) -> SIMD4<Float> {
        column.load(fromByteOffset: c &* columnBytes &+ laneAOffset &+ quad &* 16, as: SIMD4<Float>.self)
    }

    @inline(__always)
    func laneB(_ column: UnsafeRawPointer, column c: Int, quad: Int) -> SIMD4<Float> {
        column.load(fromByteOffset: c &* columnBytes &+ laneBOffset &+ quad &* 16, as: SIMD4<Float>.self)
    }
}

/// The activation format a row kernel reads, and what the widened column's lanes hold.
enum PortableActivation {
    /// q8_0 blocks; laneA = d, laneB = sumScale * sum(q) (the offset correction of q4_0 / q5_0 codes).
    case q8_0(sumScale: Float)
    /// q8_1 blocks; laneA = d, laneB = s (the stored f16 d * sum(q)).
    case q8_1
    /// q8_K super-blocks cut into units of `unitElements`; laneA = sumScale * the sum of the unit's q (from
    /// bsums), laneB = the super-block's d.
    case q8_K(unitElements: Int, sumScale: Float)

    /// Byte offsets in a q8_K block (see `Q8_K`): the int8 quants and the int16 sums of 16.

    var type: GGMLType {
        switch self {
        case .q8_0: .q8_0
        case .q8_1: .q8_1
        case .q8_K: .q8_K
        }
    }

    func layout(columns k: Int) -> ActivationLayout {
        switch self {
        case .q8_0, .q8_1: ActivationLayout(unitElements: 32, columns: k)
        case .q8_K(let unitElements, _): ActivationLayout(unitElements: unitElements, columns: k)
        }
    }

    /// Widens one quantized column (`layout.units` units) into `destination` (`layout.columnBytes` bytes).
    func widen(_ source: UnsafeRawPointer, into destination: UnsafeMutableRawPointer, _ layout: ActivationLayout) {
        let laneA = (destination + layout.laneAOffset).assumingMemoryBound(to: Float.self)
        let laneB = (destination + layout.laneBOffset).assumingMemoryBound(to: Float.self)
        for unit in 0..<layout.units {
            let quants = destination + unit * layout.unitBytes
            switch self {
            case .q8_0(let sumScale):
                let block = source + unit * Q8_0.bytesPerBlock
                let sum = Self.widenGroups(block + 2, into: quants, groups: 2)
                laneA[unit] = PortableHalf.float(block, at: 0)
                laneB[unit] = sumScale * Float(sum)
            case .q8_1:
                let block = source + unit * Q8_1.bytesPerBlock
                _ = Self.widenGroups(block + 4, into: quants, groups: 2)
                laneA[unit] = PortableHalf.float(block, at: 0)
                laneB[unit] = PortableHalf.float(block, at: 2)
            case .q8_K(let unitElements, let sumScale):
                let unitsPerBlock = Q8_K.blockSize / unitElements
                let block = source + (unit / unitsPerBlock) * Q8_K.bytesPerBlock
                let first = (unit % unitsPerBlock) * unitElements
                _ = Self.widenGroups(block + Q8_K.quantsOffset + first, into: quants, groups: unitElements / 16)
                var sum: Int32 = 0
                for group in stride(from: first / 16, to: (first + unitElements) / 16, by: 1) {
                    sum &+= Int32(Int16(littleEndian: block.loadUnaligned(fromByteOffset: Q8_K.sumsOffset + 2 * group, as: Int16.self)))
                }
                laneA[unit] = sumScale * Float(sum)
                laneB[unit] = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(as: UInt32.self)))
            }
        }
        let padded = layout.quads * 4
        if padded > layout.units {
            let missing = padded - layout.units
            (destination + layout.units * layout.unitBytes).initializeMemory(as: UInt8.self, repeating: 0,
                                                                            count: missing * layout.unitBytes)
            for unit in layout.units..<padded { laneA[unit] = 0; laneB[unit] = 0 }
        }
    }

    /// Widens `groups` groups of 16 int8 into int16, evens then odds within each group; returns the sum of the values.
    @inline(__always)
    static func widenGroups(_ source: UnsafeRawPointer, into destination: UnsafeMutableRawPointer, groups: Int) -> Int32 {
        var sum = SIMD8<Int16>()
        for group in 0..<groups {
            let pairs = source.loadUnaligned(fromByteOffset: 16 * group, as: SIMD8<Int16>.self)
            let even = PortableLanes.evenBytes(pairs), odd = PortableLanes.oddBytes(pairs)
            destination.storeBytes(of: even, toByteOffset: 32 * group, as: SIMD8<Int16>.self)
            destination.storeBytes(of: odd, toByteOffset: 32 * group + 16, as: SIMD8<Int16>.self)
            sum &+= even &+ odd                 // at most 2 * groups * 128 per lane: no overflow
        }
        return PortableLanes.widenPairs(sum).wrappedSum()
    }
}
