import Accuracy
import KernelCatalog
import KernelCore
import QuantFormats

/// Test-only q4_0 variants, each with one deliberate mistake of the kind a kernel change can bring in. Each wraps
/// the scalar reference and corrupts its input bytes or its output, so the harness sees them as any other variant.
enum Mutants {
    static let scalar = KernelCatalog.registry.variant(id: "q4_0xq8_0.scalar.reference")!
    static let exact = KernelCatalog.registry.exact(for: .q4_0)!
    static let blockBytes = Q4_0.bytesPerBlock

    /// A scalar q4_0 identity tagged with the mistake's name (threaded for the mutant that races).
    static func identity(_ tag: String, threading: Threading = .single) -> VariantIdentity {
        VariantIdentity(weightType: .q4_0, activationType: .q8_0, instructionSet: .scalar, method: .reference,
                        threading: threading, tag: tag)
    }

    /// A variant with `id` that runs the scalar reference on a copy of the weights changed block by block by
    /// `corrupt(block, indexInRow, blocksPerRow)`; with `corrupt` nil it is the clean reference under that id.
    static func corrupting(_ id: VariantIdentity, _ corrupt: (@Sendable (UnsafeMutableRawPointer, Int, Int) -> Void)?) -> KernelVariant {
        KernelVariant(id, summary: "test mutant \(id.id)",
                      run: { weights, x, n, y, parameters, context in
                          let w = weights.matrix
                          let copy = AlignedBuffer(copying: w.bytes)
                          if let corrupt {
                              let perRow = w.rowBytes / blockBytes
                              for b in 0..<(w.rows * perRow) { corrupt(copy.base + b * blockBytes, b % perRow, perRow) }
                          }
                          let changed = try! QuantizedMatrix(type: .q4_0, rows: w.rows, columns: w.columns, bytes: copy.bytes, owner: copy)
                          scalar.run(PreparedWeights(matrix: changed), x, n, y, parameters, context)
                      })
    }

    /// The f16 scale's last mantissa bit flipped: each scale off by one f16 step (a relative change near 2^-10).
    static func scaleOffByOneStep(_ id: VariantIdentity) -> KernelVariant {
        corrupting(id) { block, _, _ in block.storeBytes(of: block.load(as: UInt8.self) ^ 1, as: UInt8.self) }
    }

    /// Low and high nibbles exchanged: element j read as element j + 16 and the reverse.
    static func swappedNibbles(_ id: VariantIdentity) -> KernelVariant {
        corrupting(id) { block, _, _ in
            for i in 2..<blockBytes {
                let b = block.load(fromByteOffset: i, as: UInt8.self)
                block.storeBytes(of: (b << 4) | (b >> 4), toByteOffset: i, as: UInt8.self)
            }
        }
    }

    /// The last block of every row ignored (zeroed: scale 0 contributes nothing), as a loop bound off by one block.
    static func droppedTailBlock(_ id: VariantIdentity) -> KernelVariant {
        corrupting(id) { block, index, perRow in
            if index == perRow - 1 { block.initializeMemory(as: UInt8.self, repeating: 0, count: blockBytes) }
        }
    }

    /// Two threads with overlapping row ranges (all rows, and the second half again) adding block products into
    /// y without order: the overlapped rows come out doubled, or between once and twice where updates race.
    static func racingThreads(_ id: VariantIdentity) -> KernelVariant {
        let traits = FormatTraits.of(.q4_0)!, activation = FormatTraits.of(.q8_0)!
        return KernelVariant(
            id,
            parameters: [TunableParameter(name: .threads, values: [1, 2], defaultValue: 2, summary: "threads")],
            summary: "test mutant \(id.id)",
            run: { weights, x, n, y, parameters, context in
                let w = weights.matrix, m = w.rows, k = w.columns
                let columnBytes = GGMLType.q8_0.rowBytes(count: k)!
                let xq = AlignedBuffer(count: columnBytes * n)
                for c in 0..<n { activation.quantizeActivations(x.baseAddress! + c * k, xq.base + c * columnBytes, k) }
                let out = y.baseAddress!
                for i in 0..<m * n { out[i] = 0 }
                let blocks = k / 32
                context.pool.run(tasks: 2, threads: parameters[.threads] ?? 2) { task in
                    for r in (task == 0 ? 0 : m / 2)..<m {
                        for c in 0..<n {
                            for b in 0..<blocks {
                                out[c * m + r] += traits.dot!(w.row(r) + b * blockBytes, xq.base + c * columnBytes + b * Q8_0.bytesPerBlock, 32)
                            }
                        }
                    }
                }
            })
    }

    /// A registry of the exact reference and one q4_0 variant.
    static func registry(_ variant: KernelVariant) -> KernelRegistry { KernelRegistry([exact, variant]) }
}
