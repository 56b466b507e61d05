extension TuningExperiment {
    /// The `quantlab tune` arguments of a run (besides --db, --compare-fixed, --json).
    enum Settings {
        /// Full: tune's defaults (q4_0, q8_0, q4_K; the built-in model's and SmolLM2-135M's matrices; N 1 and 128;
        /// 1 and 2 threads). Quick: one format, two shapes, few candidates and repetitions.
        static func tuneArguments(quick: Bool) -> [String] {
            quick ? ["--format", "q4_0", "--shape", "512x512,1536x512", "--n", "1,128", "--threads", "1,2",
                     "--max-candidates", "6", "--option", "repetitions=3"]
                  : ["--threads", "1,2"]
        }
    }
}
