import Testing
import KernelCore
import KernelCatalog
import QuantFormats

@Suite struct RegistryTests {
    static let noFeatures = HostCPU(architecture: "test", model: "bare", features: [], logicalCores: 1, caches: [])

    static func fake(_ features: Set<CPUFeature>) -> KernelVariant {
        KernelVariant(id: "q4_0xq8_0.test.fake", weightType: .q4_0, activationType: .q8_0, kind: .simd,
                      requiredFeatures: features,
                      parameters: [TunableParameter(name: "tile", values: [1, 2, 4], defaultValue: 2, summary: "rows per tile")],
                      summary: "test", run: { _, _, _, _, _, _ in })
    }

    @Test func everyWeightFormatHasReferenceAndExactVariants() {
        for traits in FormatTraits.weightFormats {
            let kinds = Set(KernelCatalog.registry.variants.filter { $0.weightType == traits.type }.map(\.kind))
            #expect(kinds.isSuperset(of: [.reference, .exact]), "\(traits.name) lacks a reference or exact variant")
        }
    }

    @Test func idsNameOperandsAndMethod() {
        for v in KernelCatalog.registry.variants {
            let parts = v.id.split(separator: ".")
            #expect(parts.count == 3, "\(v.id) is not operands.isa.method")
            #expect(parts.first == "\(v.weightType.name)x\(v.activationType.name)", "\(v.id) operands")
        }
    }

    @Test func unsupportedVariantsSayWhichFeaturesAreMissing() {
        let registry = KernelRegistry([Self.fake([.avx512_vnni, .avx512bw])])
        let availability = registry.availability(of: registry.variants[0], on: Self.noFeatures)
        #expect(!availability.supported)
        #expect(availability.reason?.contains("avx512_vnni") == true && availability.reason?.contains("avx512bw") == true)
        #expect(registry.supported(on: Self.noFeatures).isEmpty)
        let withFeatures = HostCPU(architecture: "test", model: "rich", features: [.avx512_vnni, .avx512bw], logicalCores: 1, caches: [])
        #expect(registry.availability(of: registry.variants[0], on: withFeatures).supported)
    }

    @Test func parametersAreValidatedAgainstDeclaredRanges() throws {
        let v = Self.fake([])
        let defaults = try v.resolve(.init()), chosen = try v.resolve(.init(["tile": 4]))
        #expect(defaults == KernelParameters(["tile": 2]))
        #expect(chosen == KernelParameters(["tile": 4]))
        #expect(throws: KernelError.self) { try v.resolve(.init(["tile": 3])) }
        #expect(throws: KernelError.self) { try v.resolve(.init(["threads": 2])) }
    }

    @Test func shapesThatDoNotFitTheFormatAreRefused() throws {
        #expect(throws: KernelError.self) { try QuantizedMatrix.quantizing([Float](repeating: 0, count: 48), rows: 1, columns: 48, as: .q4_0) }
        #expect(throws: KernelError.self) { try QuantizedMatrix.quantizing([Float](repeating: 0, count: 31), rows: 1, columns: 32, as: .q4_0) }
        let w = try QuantizedMatrix.quantizing([Float](repeating: 1, count: 64), rows: 2, columns: 32, as: .q4_0)
        let reference = try #require(KernelCatalog.registry.variants.first { $0.weightType == .q4_0 && $0.kind == .reference })
        #expect(throws: KernelError.self) { try reference.multiply(w, [Float](repeating: 1, count: 33), n: 1) }
        #expect(throws: KernelError.self) { try reference.multiply(w, [], n: 0) }
        let q8 = try QuantizedMatrix.quantizing([Float](repeating: 1, count: 32), rows: 1, columns: 32, as: .q8_0)
        #expect(throws: KernelError.self) { try reference.prepareWeights(q8) }
    }

    @Test func cpuFlagsParse() {
        let x86 = "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse4_2 avx avx2 fma f16c avx512f avx512_vnni\n"
        #expect(HostCPU.features(x86) == [.sse4_2, .avx, .avx2, .fma, .f16c, .avx512f, .avx512_vnni])
        let arm = "processor\t: 0\nFeatures\t: fp asimd asimddp i8mm\n"
        #expect(HostCPU.features(arm) == [.neon, .dotprod, .i8mm])
    }
}
