/// The integer building blocks of the portable kernels, shaped so that the compiler's generic vector lowering gives
/// good code on baseline x86-64 (SSE2) and on arm64 (NEON) alike.
///
/// Products are taken on 16-bit lanes (`SIMD8<Int16> &*`: one `pmullw` / `mul.8h`) and summed in 16 bits only as far
/// as the operands' ranges keep every sum exact; then adjacent lanes are widened into 32-bit sums. A formulation with
/// 32-bit products of sign-extended lanes (which could become `pmaddwd`) was tried first: LLVM reassociates the sums
/// of several such products and then splits them into `pmullw`/`pmulhw`/unpack sequences or scalar extractions, so
/// the 16-bit form is both faster and stable under small source changes.
enum PortableLanes {
    /// Sums adjacent pairs of 16-bit lanes into 32-bit lanes (`pslld`/`psrad`/`paddd` on SSE2, `saddlp` on NEON).
    @inline(__always)
    static func widenPairs(_ x: SIMD8<Int16>) -> SIMD4<Int32> {
        let pairs = unsafeBitCast(x, to: SIMD4<Int32>.self)
        return ((pairs &<< 16) &>> 16) &+ (pairs &>> 16)
    }

    /// Sums adjacent pairs of 16-bit lanes read as unsigned into 32-bit lanes (`pand`/`psrld`/`paddd`).
    @inline(__always)
    static func widenUnsignedPairs(_ x: SIMD8<Int16>) -> SIMD4<Int32> {
        let pairs = unsafeBitCast(x, to: SIMD4<UInt32>.self)
        return unsafeBitCast((pairs & 0xFFFF) &+ (pairs &>> 16), to: SIMD4<Int32>.self)
    }

    /// First half of a four-way transpose-and-add: [x0+x2, y0+y2, x1+x3, y1+y3].
    @inline(__always)
    static func interleavedTotals(_ x: SIMD4<Int32>, _ y: SIMD4<Int32>) -> SIMD4<Int32> {
        SIMD4(x[0], y[0], x[1], y[1]) &+ SIMD4(x[2], y[2], x[3], y[3])
    }

    /// Second half: from `interleavedTotals(a, b)` and `interleavedTotals(c, d)`, the four totals [Σa, Σb, Σc, Σd].
    @inline(__always)
    static func finishTotals(_ ab: SIMD4<Int32>, _ cd: SIMD4<Int32>) -> SIMD4<Int32> {
        SIMD4(ab[0], ab[1], cd[0], cd[1]) &+ SIMD4(ab[2], ab[3], cd[2], cd[3])
    }

    /// Reinterprets 16-bit codes (known to be below 2^15) as signed lanes for the products.
    @inline(__always)
    static func signed(_ x: SIMD8<UInt16>) -> SIMD8<Int16> { unsafeBitCast(x, to: SIMD8<Int16>.self) }

    /// Sign-extends the even bytes of `x` (viewed as eight 16-bit lanes) into 16-bit lanes.
    @inline(__always)
    static func evenBytes(_ x: SIMD8<Int16>) -> SIMD8<Int16> { (x &<< 8) &>> 8 }

    /// Sign-extends the odd bytes of `x` into 16-bit lanes.
    @inline(__always)
    static func oddBytes(_ x: SIMD8<Int16>) -> SIMD8<Int16> { x &>> 8 }
}

/// 32 codes of a block or sub-block (each below 2^15 / (4 * 128)), in activation order: the even-indexed then the
/// odd-indexed codes of each group of 16.
struct Codes32 {
    var evenLow, oddLow, evenHigh, oddHigh: SIMD8<Int16>

    /// Sum of code x activation over the 32 values, in four 32-bit lanes: four 16-bit products per lane summed in
    /// 16 bits (exact for codes below 64 against int8 activations), then widened once.
    @inline(__always)
    static func dot(_ w: Codes32, _ a: UnsafeRawPointer) -> SIMD4<Int32> {
        let products = w.evenLow &* a.load(as: SIMD8<Int16>.self)
            &+ w.oddLow &* a.load(fromByteOffset: 16, as: SIMD8<Int16>.self)
            &+ w.evenHigh &* a.load(fromByteOffset: 32, as: SIMD8<Int16>.self)
            &+ w.oddHigh &* a.load(fromByteOffset: 48, as: SIMD8<Int16>.self)
        return PortableLanes.widenPairs(products)
    }

    /// The 32 nibble codes of a q4_0-style block whose 16 code bytes start at `offset`: byte j holds value j in its
    /// low nibble and value j + 16 in its high nibble.
    @inline(__always)
    static func nibbles(_ block: UnsafeRawPointer, at offset: Int) -> Codes32 {
        let pairs = block.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt16>.self)
        return lowNibbles(first: pairs, second: pairs &>> 4)
    }

    /// Codes from two vectors of byte pairs whose low nibbles are the codes: `first` holds values 0..<16 (byte j:
    /// value j), `second` values 16..<32. The 4-bit formats shift their packed bytes so the wanted nibble is low.
    @inline(__always)
    static func lowNibbles(first: SIMD8<UInt16>, second: SIMD8<UInt16>) -> Codes32 {
        let nibble = SIMD8<UInt16>(repeating: 0x0F)
        return Codes32(evenLow: PortableLanes.signed(first & nibble), oddLow: PortableLanes.signed((first &>> 8) & nibble),
                       evenHigh: PortableLanes.signed(second & nibble), oddHigh: PortableLanes.signed((second &>> 8) & nibble))
    }
}

/// 16 codes of a q6_K sub-block (each below 64), even-indexed then odd-indexed.
struct Codes16 {
    var even, odd: SIMD8<Int16>

    /// Sum of code x activation over the 16 values in four 32-bit lanes (two 16-bit products per lane, < 2^15).
    @inline(__always)
    static func dot(_ w: Codes16, _ a: UnsafeRawPointer) -> SIMD4<Int32> {
        PortableLanes.widenPairs(w.even &* a.load(as: SIMD8<Int16>.self)
                                 &+ w.odd &* a.load(fromByteOffset: 16, as: SIMD8<Int16>.self))
    }
}

/// How many activation columns one pass over a weight row multiplies: each unit of weights is decoded once and
/// dotted with every column of the batch. A type, so that each batch size is its own specialisation with its
/// per-column state in registers.
protocol ColumnBatch {
    static var count: Int { get }
}

enum OneColumn: ColumnBatch { static var count: Int { 1 } }
enum TwoColumns: ColumnBatch { static var count: Int { 2 } }
enum ThreeColumns: ColumnBatch { static var count: Int { 3 } }
enum FourColumns: ColumnBatch { static var count: Int { 4 } }

/// One value per column of a batch (up to four); unused columns stay at their initial value.
struct PerColumn<Value> {
    var c0, c1, c2, c3: Value

    init(repeating value: Value) { (c0, c1, c2, c3) = (value, value, value, value) }

    @inline(__always)
    subscript(_ column: Int) -> Value {
        get {
            switch column {
            case 0: c0
            case 1: c1
            case 2: c2
            default: c3
            }
        }
        set {
            switch column {
            case 0: c0 = newValue
            case 1: c1 = newValue
            case 2: c2 = newValue
            default: c3 = newValue
            }
        }
    }
}

/// Where a batch's widened activations are: the first column's data for the current quad, and the strides.
struct QuadActivations {
    /// Quantized activations of unit 0, column 0 of the quad.
    let base: UnsafeRawPointer
    let columnStride: Int
    let unitStride: Int

    @inline(__always)
    func unit(_ unit: Int, column: Int) -> UnsafeRawPointer { base + (column &* columnStride &+ unit &* unitStride) }
}

/// The weight side of a quad: decodes unit `u` (0..<4) of the quad into codes in activation order, and dots codes
/// with one unit of widened activations. A protocol rather than closures so that every format's loop is specialised
/// and inlined (closures passed down were left as calls).
protocol QuadCodes {
    associatedtype Codes
    func decode(_ unit: Int) -> Codes
    static func dot(_ codes: Codes, _ activations: UnsafeRawPointer) -> SIMD4<Int32>
}

extension PortableLanes {
    /// Integer totals of one quad of four weight units (blocks or sub-blocks) against each column of a batch: lane u
    /// of column c's vector is the sum over unit u of code x activation. Units are decoded two at a time and each is
    /// dotted with every column before the next pair is decoded, so a batch of four keeps about 14 vectors live.
    @inline(__always)
    static func quadTotals<C: ColumnBatch, Q: QuadCodes>(_: C.Type, _ activations: QuadActivations,
                                                         _ weights: Q) -> PerColumn<SIMD4<Int32>> {
        var first = PerColumn(repeating: SIMD4<Int32>())
        do {
            let w0 = weights.decode(0), w1 = weights.decode(1)
            for c in 0..<C.count {
                first[c] = interleavedTotals(Q.dot(w0, activations.unit(0, column: c)),
                                             Q.dot(w1, activations.unit(1, column: c)))
            }
        }
        var totals = PerColumn(repeating: SIMD4<Int32>())
        do {
            let w2 = weights.decode(2), w3 = weights.decode(3)
            for c in 0..<C.count {
                let second = interleavedTotals(Q.dot(w2, activations.unit(2, column: c)),
                                               Q.dot(w3, activations.unit(3, column: c)))
                totals[c] = finishTotals(first[c], second)
            }
        }
        return totals
    }
}
