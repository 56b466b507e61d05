import Foundation

/// When a case fails: its NMSE is above the format's tolerance (or not finite), or above `factor` times its
/// baseline while also above `floor`. The floor keeps float noise on near-exact cases (1e-30 against 1e-29) from
/// failing; a real slip on those cases (a scale off by one f16 step) is near 1e-6, far above it.
public enum BaselineRule {
    public static let factor = 4.0
    public static let floor = 1e-10

    /// `result` with its status, baseline and, when it fails, a message naming variant, format, shape and case, the
    /// size of the change and the command that reproduces it.
    public static func judge(_ result: CaseResult, baseline: Baseline) -> CaseResult {
        var r = result
        let entry = baseline.entry(variant: r.variant, case: r.case)
        r.baseline_nmse = entry?.nmse
        let place = "\(r.variant) \(r.format) \(r.shape) (case \(r.case), \(r.data) data)"
        let reproduce = "reproduce: \(r.reproduce)"
        if !r.nmse.isFinite || r.nmse > r.tolerance {
            r.status = .fail
            r.message = "\(place): NMSE \(sci(r.nmse)) exceeds the \(r.format) tolerance \(sci(r.tolerance))"
                + (entry.map { ", baseline \(sci($0.nmse))" } ?? "") + " (max |error| \(sci(r.max_abs))); \(reproduce)"
        } else if let entry {
            let allowed = max(factor * entry.nmse, floor)
            if r.nmse > allowed {
                r.status = .fail
                let ratio = entry.nmse > 0 ? String(format: "%.0fx", r.nmse / entry.nmse) : "from zero"
                r.message = "\(place): NMSE \(sci(r.nmse)), baseline \(sci(entry.nmse)): \(ratio) (allowed \(String(format: "%g", factor))x, floor \(sci(floor))); \(reproduce)"
            } else {
                r.status = .pass
            }
        } else {
            r.status = .new
        }
        return r
    }
}

func sci(_ value: Double) -> String { value.isFinite ? String(format: "%.2e", value) : "\(value)" }
