import SAMCore

extension RunSpec {
    /// Runs the spec on `dataset` to its end: discrete steps (`DiscreteRunner`) or a flow (`FlowRunner`), one result
    /// type either way. (`samlab train` and `flow` add checkpoints and progress; data checks such as separability
    /// are in SAMAnalysis's `RunSpec.run(registry:)`.)
    public func run(on dataset: Dataset, registry: Registry = .standard, recordsBeta: Bool? = nil) throws(SpecError) -> RunResult {
        switch dynamics {
        case .discrete:
            let runner = try DiscreteRunner(spec: self, dataset: dataset, registry: registry, recordsBeta: recordsBeta)
            runner.run()
            return runner.result
        case .flow:
            return try FlowRunner(spec: self, dataset: dataset, registry: registry).run()
        }
    }
}
