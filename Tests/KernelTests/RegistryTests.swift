import Testing
import KernelCore
import KernelCatalog
import QuantFormats

@Suite struct RegistryTests {
    static let noFeatures = HostCPU(architecture: "test", model: "bare", features: [], logicalCores: 1, caches: [])

    static func fake(_ features: Set<CPUFeature>) -> KernelVariant {
        KernelVariant(VariantIdentity(weightType: .q4_0, activationType: .q8_0, instructionSet: .portable, method: .rows, tag: "fake"),
                      requiredFeatures: features,
                      parameters: [TunableParameter(name: .rows, values: [1, 2, 4], defaultValue: 2, summary: "rows per tile")],
                      summary: "test", run: { _, _, _, _, _, _ in })
    }

    @Test func everyWeightFormatHasReferenceAndExactVariants() {
        for traits in FormatTraits.weightFormats {
            let kinds = Set(KernelCatalog.registry.variants.filter { $0.weightType == traits.type }.map(\.method))
            #expect(kinds.isSuperset(of: [.reference, .exact]), "\(traits.name) lacks a reference or exact variant")
        }
    }

    @Test func idsNameOperandsInstructionSetAndMethod() {
        for v in KernelCatalog.registry.variants {
            let parts = v.id.split(separator: ".").map(String.init)
            #expect(parts == ["\(v.weightType.name)x\(v.activationType.name)", v.instructionSet.rawValue, v.identity.label]
                        + (v.identity.tag.map { [$0] } ?? []), "\(v.id)")
            #expect(v.identity.label.hasSuffix("threaded") == (v.threading == .threaded), "\(v.id)")
            #expect(v.parameters.contains { $0.name == .threads } == (v.threading == .threaded), "\(v.id): threads iff threaded")
        }
        let tagged = VariantIdentity(weightType: .q4_0, activationType: .q8_0, instructionSet: .avx2, method: .tiled,
                                     threading: .threaded, tag: "mine")
        #expect(tagged.id == "q4_0xq8_0.avx2.tiled-threaded.mine")
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
        let defaults = try v.resolve(.init()), chosen = try v.resolve(.init([.rows: 4]))
        #expect(defaults == KernelParameters([.rows: 2]))
        #expect(chosen == KernelParameters([.rows: 4]))
        #expect(throws: KernelError.self) { try v.resolve(.init([.rows: 3])) }
        #expect(throws: KernelError.self) { try v.resolve(.init([.threads: 2])) }
        // Databases and flags name parameters; a name no variant declares is refused with the list.
        #expect(try KernelParameters(named: ["rows": 4, "decode_rows": 2]) == KernelParameters([.rows: 4, .decodeRows: 2]))
        #expect(throws: KernelError.self) { try KernelParameters(named: ["tile": 4]) }
    }

    @Test func shapesThatDoNotFitTheFormatAreRefused() throws {
        #expect(throws: KernelError.self) { try QuantizedMatrix.quantizing([Float](repeating: 0, count: 48), rows: 1, columns: 48, as: .q4_0) }
        #expect(throws: KernelError.self) { try QuantizedMatrix.quantizing([Float](repeating: 0, count: 31), rows: 1, columns: 32, as: .q4_0) }
        let w = try QuantizedMatrix.quantizing([Float](repeating: 1, count: 64), rows: 2, columns: 32, as: .q4_0)
        let reference = try #require(KernelCatalog.registry.variants.first { $0.weightType == .q4_0 && $0.method == .reference })
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
