import Foundation
import Model
import QuantLabCLI
import Tuner

extension TuningExperiment {
    /// The tuner on a real model's own workload: how well each timing method predicts the per-matrix time inside
    /// the model, what `tune --model` decided and verified, and the tuned database against the defaults side by
    /// side in one run.
    struct InModel: Codable {
        struct Prediction: Codable {
            let role: String, format: String, m: Int, k: Int, n: Int
            /// Seconds per call inside the model (`bench-model --profile`, defaults) and as the tuner timed the
            /// same default kernel: cycling through cold copies, and one hot matrix.
            let inModelSeconds: Double, coldSeconds: Double, hotSeconds: Double
        }
        struct SideBySide: Codable {
            let test: String, threads: Int, defaultTokensPerSecond: Double, tunedTokensPerSecond: Double, ratio: Double
        }
        let model: String
        let workload: String
        let tuneSeconds: Double
        let decisions: Int
        let replacing: Int
        let predictions: [Prediction]
        let verifications: [EndToEndVerification]
        let sideBySide: [SideBySide]

        /// Geometric mean of |log(predicted / in model)| as a factor: 1.10 means predictions are off by 10% typically.
        func typicalError(_ predicted: (Prediction) -> Double) -> Double {
            let logs = predictions.map { abs(log(predicted($0) / $0.inModelSeconds)) }
            return logs.isEmpty ? .nan : exp(logs.reduce(0, +) / Double(logs.count))
        }
    }

    struct InspectReport: Decodable {
        struct Tensor: Decodable { let name: String, type: String, shape: [Int] }
        let tensors: [Tensor]
    }

    static let roles = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "output"]

    static func inModel(_ lab: Lab, scratch: String) throws -> InModel {
        let model: String, tests: [String], tuneSettings: [String]
        if lab.quick {
            // The built-in model as a file, so that `inspect` reads its tensor shapes like a real model's.
            model = scratch + "/builtin.gguf"
            try SyntheticModel.write(.builtin, to: model)
            lab.record("the built-in model written to \(model)")
            tests = ["--prompt-tokens", "16", "--gen-tokens", "4"]
            tuneSettings = ["--max-candidates", "4", "--option", "repetitions=2", "--verify-repetitions", "2"]
        } else {
            model = scratch + "/model-Q4_0.gguf"
            try lab.quantlab(["quantize", try lab.realModelPath(), model, "--mix", "Q4_0"])
            tests = []
            tuneSettings = []
        }
        // In-model time per call of every role, on the defaults, one thread.
        let profiled = try lab.quantlab(BenchModelReport.self, ["bench-model", model, "--db", "none", "--threads", "1", "--profile",
                                                                "--repetitions", "1"] + tests)
        let cold = try lab.quantlab(TuneReport.self, ["tune", "--model", model, "--threads", "1", "--no-verify", "--db", scratch + "/cold.json"]
                                    + tuneSettings + tests)
        let hot = try lab.quantlab(TuneReport.self, ["tune", "--model", model, "--threads", "1", "--no-verify", "--hot-cache",
                                                          "--db", scratch + "/hot.json"] + tuneSettings + tests)
        let shapes = try lab.quantlab(InspectReport.self, ["inspect", model]).tensors
        var predictions: [InModel.Prediction] = []
        for row in profiled.rows {
            let n = row.test.hasPrefix("pp") ? Int(row.test.dropFirst(2))! : 1
            for role in roles {
                let name = role == "output" ? (shapes.contains { $0.name == "output.weight" } ? "output.weight" : "token_embd.weight") : "blk.0.\(role).weight"
                guard let tensor = shapes.first(where: { $0.name == name }), tensor.shape.count == 2,
                      let entry = row.profile?.first(where: { $0.operation == role }), entry.calls > 0 else { continue }
                let (m, k) = (tensor.shape[1], tensor.shape[0])
                let columns = role == "output" ? 1 : n
                func time(_ report: TuneReport) -> Double? {
                    report.decisions.first { $0.problem.format == tensor.type && $0.problem.m == m && $0.problem.k == k && $0.problem.n == columns }?.defaultSeconds
                }
                guard let c = time(cold), let h = time(hot) else { continue }
                // The tuner times a product with its own activation quantization; in the model a role's entry is the
                // compute stage, and the input's quantization (shared by q/k/v and gate/up) is its own entry.
                let quantize = row.profile?.first { $0.operation == "quantize" }.map { $0.seconds / Double(max($0.calls, 1)) } ?? 0
                predictions.append(.init(role: role, format: tensor.type, m: m, k: k, n: columns,
                                         inModelSeconds: entry.seconds / Double(entry.calls) + quantize, coldSeconds: c, hotSeconds: h))
            }
        }

        // The whole job: tune the model at 1 and 2 threads with verification, then the database against the defaults.
        let database = scratch + "/verified.json"
        let started = Date()
        let tuned = try lab.quantlab(TuneReport.self, ["tune", "--model", model, "--threads", "1,2", "--db", database]
                                     + tuneSettings + tests)
        let tuneSeconds = Date().timeIntervalSince(started)
        let bench = try lab.quantlab(BenchModelReport.self, ["bench-model", model, "--db", "none,\(database)", "--threads", "1,2"]
                                     + (lab.quick ? ["--repetitions", "2"] : []) + tests)
        let sideBySide: [InModel.SideBySide] = bench.rows.filter { $0.db != "none" }.compactMap { t in
            guard let d = bench.rows.first(where: { $0.db == "none" && $0.test == t.test && $0.threads == t.threads }) else { return nil }
            return .init(test: t.test, threads: t.threads, defaultTokensPerSecond: d.tokens_per_second, tunedTokensPerSecond: t.tokens_per_second,
                         ratio: t.ratio_to_first)
        }
        return InModel(model: lab.quick ? "builtin" : "SmolLM2-135M-Instruct, llama.cpp's Q4_0 mix (quantlab quantize --mix Q4_0)",
                       workload: tuned.workload ?? "-", tuneSeconds: tuneSeconds, decisions: tuned.decisions.count,
                       replacing: tuned.decisions.filter { !$0.keepsDefault }.count, predictions: predictions,
                       verifications: tuned.verifications, sideBySide: sideBySide)
    }
}
