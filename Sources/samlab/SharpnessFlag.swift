import SAMCore

/// `--sharpness` of `train` and `flow`: the spec key `sharpness`, its help, its warnings and its summary line.
enum SharpnessFlag {
    static let help = "Add lambda_max (the largest eigenvalue of the loss's Hessian, by Lanczos, to 1e-6 relative) and hessian_trace (exact) to every recorded state and the summary; discrete l2-SAM runs also get gd_edge = 2/eta and sam_edge. Costs a Lanczos run per recorded state."

    /// Sets the key when the flag was given (a `--config` with `"sharpness": true` keeps it on either way).
    static func apply(_ given: Bool, to spec: inout RunSpec, names: inout FlagNames) {
        guard given else { return }
        spec.sharpness = true
        names.fromFlags.insert("sharpness")
    }

    /// Warns once per reason for which recorded states have no sharpness value.
    static func warn(_ result: RunResult) {
        for warning in result.sharpnessWarnings { Terminal.warn(warning) }
    }

    /// The summary's sharpness as one line for a terminal ("" when the run has none).
    static func line(_ summary: RunSummary) -> String? {
        guard let s = summary.sharpness else { return nil }
        func text(_ x: Double?) -> String { x.map { "\($0)" } ?? "null" }
        var line = "sharpness: lambda_max \(text(s.lambdaMax)), hessian_trace \(text(s.hessianTrace))"
        if s.hasEdges { line += ", gd_edge \(text(s.gdEdge)), sam_edge \(text(s.samEdge))" }
        return line
    }
}
