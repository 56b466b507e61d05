import KernelCore

/// Keys and values of every position seen so far, per layer and key/value head, in f32.
///
/// Keys are stored transposed in blocks of 16 positions, (block, headDim, 16), so that a query's scores against 16
/// keys are headDim broadcast-multiply-adds into one 16-lane register with no horizontal sums. Values are stored
/// (position, headDim), the layout the weighted sum over positions reads.
final class KVCache: @unchecked Sendable {
    static let block = AttentionKernel.keyBlock
    let layers: Int, kvHeads: Int, headDim: Int
    /// Positions the cache can hold, a multiple of 16.
    let capacity: Int
    private let keys: AlignedBuffer
    private let values: AlignedBuffer

    init(config c: ModelConfig, capacity requested: Int) {
        layers = c.layers
        kvHeads = c.kvHeads
        headDim = c.headDim
        capacity = (requested + Self.block - 1) / Self.block * Self.block
        let floats = layers * kvHeads * capacity * headDim
        keys = AlignedBuffer(count: floats * 4)
        values = AlignedBuffer(count: floats * 4)
    }

    var bytes: Int { keys.count + values.count }

    /// Bytes a cache of `capacity` positions takes, or nil when the product overflows (a hostile context length).
    static func bytes(config c: ModelConfig, capacity: Int) -> Int? {
        let rounded = capacity.addingReportingOverflow(block - 1)
        guard !rounded.overflow else { return nil }
        var total = 2 * 4   // keys and values, f32
        for factor in [c.layers, c.kvHeads, rounded.partialValue / block * block, c.headDim] {
            let product = total.multipliedReportingOverflow(by: factor)
            guard !product.overflow else { return nil }
            total = product.partialValue
        }
        return total
    }

    /// The first key block of (layer, head): block b starts headDim * 16 floats further on.
    func keyBlocks(layer: Int, head: Int) -> UnsafeMutablePointer<Float> {
        keys.base.assumingMemoryBound(to: Float.self) + (layer * kvHeads + head) * capacity * headDim
    }

    /// The value rows of (layer, head): position p's row starts p * headDim floats further on.
    func valueRows(layer: Int, head: Int) -> UnsafeMutablePointer<Float> {
        values.base.assumingMemoryBound(to: Float.self) + (layer * kvHeads + head) * capacity * headDim
    }

    /// Stores one position's keys and values (kvDim floats each, heads one after another).
    func store(layer: Int, position p: Int, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>) {
        precondition(p >= 0 && p < capacity, "position \(p) outside the cache's 0..<\(capacity)")
        for h in 0..<kvHeads {
            let block = keyBlocks(layer: layer, head: h) + (p / Self.block) * headDim * Self.block + p % Self.block
            let row = valueRows(layer: layer, head: h) + p * headDim
            for d in 0..<headDim {
                block[d * Self.block] = k[h * headDim + d]
                row[d] = v[h * headDim + d]
            }
        }
    }
}
