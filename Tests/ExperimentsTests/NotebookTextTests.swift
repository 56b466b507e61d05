import Testing
@testable import Experiments

/// The notebooks' words live in markdown templates (Experiments/NAME/notebook.md), embedded at build time.
@Suite struct NotebookTextTests {
    @Test func fragmentsAreSplitAtTheirMarkersAndPlaceholdersFilled() {
        let parsed = NotebookText.parse("# heading, not a fragment\n<!-- a -->\nOne {{x}}.\n\n<!-- b -->\nTwo\nlines\n<!-- a -->\nagain")
        #expect(parsed.fragments["b"] == "Two\nlines")
        #expect(parsed.duplicates == ["a"])
        #expect(NotebookText.placeholders("{{x}} and {{long_name}}, not {x}") == ["x", "long_name"])
        let text = NotebookText(experiment: "roofline")
        #expect(text("threads.caption", ["ns": "1, 2", "threads": "2"]).hasPrefix("Best kernel per format at N = 1, 2"))
    }

    /// Every experiment's template is embedded, parses without repeated names, and the fragments the findings
    /// choose by verdict all exist.
    @Test func everyTemplateIsEmbeddedAndWellFormed() {
        #expect(Set(NotebookTemplates.text.keys) == ["roofline", "unpacking", "bottleneck", "tuning", "compressibility", "bits-vs-quality"])
        for (experiment, template) in NotebookTemplates.text {
            let parsed = NotebookText.parse(template)
            #expect(parsed.duplicates.isEmpty, "\(experiment): \(parsed.duplicates)")
            #expect(parsed.fragments.values.allSatisfy { !$0.isEmpty }, "\(experiment) has an empty fragment")
        }
        let roofline = NotebookText(experiment: "roofline")
        for verdict in RooflineFindings.DecodeFinding.Verdict.allCases {
            #expect(roofline.fragments["decode.\(verdict.rawValue)"] != nil, "\(verdict)")
        }
        let bottleneck = BottleneckExperiment.text
        for movement in BottleneckExperiment.Movement.allCases {
            #expect(bottleneck.fragments["movement.\(movement.rawValue)"] != nil, "\(movement)")
        }
        for cost in BottleneckExperiment.UnpackCost.allCases {
            #expect(bottleneck.fragments["unpack.\(cost.rawValue)"] != nil, "\(cost)")
        }
    }
}
