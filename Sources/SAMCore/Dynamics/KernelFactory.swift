/// What a kernel is built from: the model's initial weights, the data, the loss and (for discrete runs) eta.
public struct KernelInputs: Sendable {
    /// The model's layer-major initial weights.
    public var initialWeights: [Double]
    /// The examples.
    public var dataset: Dataset
    /// The margin loss.
    public var loss: any MarginLoss
    /// The step size eta (1 for a flow's field).
    public var learningRate: Double

    /// The inputs from their values.
    public init(initialWeights: [Double], dataset: Dataset, loss: any MarginLoss, learningRate: Double) {
        self.initialWeights = initialWeights
        self.dataset = dataset
        self.loss = loss
        self.learningRate = learningRate
    }
}

/// The kernels of one rule type, built by closures made in a context where the rule type is concrete: one closure
/// per algebra of `FastAlgebras` (so the kernel code is specialized for both), and one generic fallback.
public struct KernelBuilders: Sendable {
    typealias MakeSingle = @Sendable (any Rule, any LaneAlgebra, KernelInputs) -> SingleExampleKernel
    typealias MakeGeneral = @Sendable (any Rule, any LaneAlgebra, KernelInputs) -> GeneralKernel
    var single: [ObjectIdentifier: MakeSingle] = [:]
    var general: [ObjectIdentifier: MakeGeneral] = [:]
    var singleFallback: MakeSingle
    var generalFallback: MakeGeneral

    /// The builders of rule type R. Called with a concrete R (a registration line), everything below is specialized.
    public init<R: Rule>(_ type: R.Type) {
        singleFallback = { rule, algebra, inputs in Self.single(rule as! R, algebra, inputs) }
        generalFallback = { rule, algebra, inputs in Self.general(rule as! R, algebra, inputs) }
        var table = SpecializationTable<R>()
        FastAlgebras.visitAll(&table)
        single = table.single
        general = table.general
    }

    /// The builders of a rule type R that only runs on more than one example (`RuleTypeVisitor.visitManyExampleType`):
    /// the n-example kernel specialized as by `init(_:)`, the one-example kernel only generic (never compiled for R).
    public init<R: Rule>(manyExample type: R.Type) {
        singleFallback = { rule, algebra, inputs in Self.unspecializedSingle(rule, algebra, inputs) }
        generalFallback = { rule, algebra, inputs in Self.general(rule as! R, algebra, inputs) }
        var table = SpecializationTable<R>(includesSingle: false)
        FastAlgebras.visitAll(&table)
        general = table.general
    }

    /// The one-example kernel through the generic code (the existentials opened, nothing specialized).
    static func unspecializedSingle(_ rule: any Rule, _ algebra: any LaneAlgebra, _ inputs: KernelInputs) -> SingleExampleKernel {
        single(rule, algebra, inputs)
    }

    static func single<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ inputs: KernelInputs) -> SingleExampleKernel {
        SingleExampleKernel(rule: rule, algebra: algebra, initialWeights: inputs.initialWeights, dataset: inputs.dataset,
                            loss: inputs.loss, learningRate: inputs.learningRate)
    }

    static func general<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, _ inputs: KernelInputs) -> GeneralKernel {
        GeneralKernel(rule: rule, algebra: algebra, initialWeights: inputs.initialWeights, dataset: inputs.dataset,
                      loss: inputs.loss, learningRate: inputs.learningRate)
    }

    func makeSingle(_ rule: any Rule, _ algebra: any LaneAlgebra, _ inputs: KernelInputs) -> SingleExampleKernel {
        (single[ObjectIdentifier(type(of: algebra))] ?? singleFallback)(rule, algebra, inputs)
    }

    func makeGeneral(_ rule: any Rule, _ algebra: any LaneAlgebra, _ inputs: KernelInputs) -> GeneralKernel {
        (general[ObjectIdentifier(type(of: algebra))] ?? generalFallback)(rule, algebra, inputs)
    }

    struct SpecializationTable<R: Rule>: AlgebraTypeVisitor {
        var includesSingle = true
        var single: [ObjectIdentifier: MakeSingle] = [:]
        var general: [ObjectIdentifier: MakeGeneral] = [:]

        mutating func visit<A: LaneAlgebra>(_ type: A.Type) {
            if includesSingle {
                single[ObjectIdentifier(A.self)] = { rule, algebra, inputs in KernelBuilders.single(rule as! R, algebra as! A, inputs) }
            }
            general[ObjectIdentifier(A.self)] = { rule, algebra, inputs in KernelBuilders.general(rule as! R, algebra as! A, inputs) }
        }
    }
}

/// Something that wants to see each algebra type of `FastAlgebras` as a concrete type.
public protocol AlgebraTypeVisitor {
    /// Called once with each algebra type of `FastAlgebras`.
    mutating func visit<A: LaneAlgebra>(_ type: A.Type)
}

/// The algebras the kernels are compiled for, one line each (a specialization list, like `@_specialize`). A model
/// whose algebra is listed here runs at full speed with every rule; any other algebra runs through the same generic
/// kernel code, correct but slower. This is the only list of algebras in the kernels, and no kernel switches on it.
public enum FastAlgebras {
    /// Shows `visitor` each listed algebra type in turn.
    public static func visitAll<V: AlgebraTypeVisitor>(_ visitor: inout V) {
        visitor.visit(ProductAlgebra1.self)
        visitor.visit(ProductAlgebra2.self)
        visitor.visit(ProductAlgebra3.self)
        visitor.visit(ProductAlgebraN.self)
        visitor.visit(SignedAlgebra2.self)
        visitor.visit(SignedAlgebraN.self)
    }
}

/// Builds the kernel that suits a run: the lane kernels for a diagonal model with a margin loss (one fused pass per
/// step for a single example, a general one otherwise), `ParameterKernel` for everything else (dense models,
/// regression losses).
public enum KernelFactory {
    /// A discrete-step kernel for `rule` (run as its `kernelRule`) on `model` and `dataset`. `forceGeneral` uses the
    /// n-example kernel even for one example (for tests that compare the two).
    public static func make(rule: any Rule, model: any Model, dataset: Dataset, loss: any TrainingLoss, learningRate: Double,
                            registry: Registry = .standard, forceGeneral: Bool = false) -> any DynamicsKernel {
        guard let diagonal = model as? any DiagonalModel, let margin = loss as? any MarginLoss else {
            return ParameterKernel(rule: rule, model: model, dataset: dataset, loss: loss, learningRate: learningRate)
        }
        let inputs = KernelInputs(initialWeights: model.initialWeights, dataset: dataset, loss: margin, learningRate: learningRate)
        if dataset.count == 1 && !forceGeneral {
            let rule = rule.singleExampleKernelRule
            return registry.kernelBuilders(for: rule).makeSingle(rule, diagonal.laneAlgebra, inputs)
        }
        let rule = rule.kernelRule
        return registry.kernelBuilders(for: rule).makeGeneral(rule, diagonal.laneAlgebra, inputs)
    }

    /// The n-example lane kernel (also the flows' field for diagonal models with margin losses), with learning
    /// rate 1 unless given; `rule` runs as its `kernelRule`.
    public static func makeGeneral(rule: any Rule, model: any DiagonalModel, dataset: Dataset, loss: any MarginLoss,
                                   learningRate: Double = 1, registry: Registry = .standard) -> GeneralKernel {
        let rule = rule.kernelRule
        let inputs = KernelInputs(initialWeights: model.initialWeights, dataset: dataset, loss: loss, learningRate: learningRate)
        return registry.kernelBuilders(for: rule).makeGeneral(rule, model.laneAlgebra, inputs)
    }

    /// The kernel of a flow's field: the n-example lane kernel for a diagonal model with a margin loss,
    /// `ParameterKernel` otherwise.
    public static func makeField(rule: any Rule, model: any Model, dataset: Dataset, loss: any TrainingLoss,
                                 registry: Registry = .standard) -> any FieldKernel {
        guard let diagonal = model as? any DiagonalModel, let margin = loss as? any MarginLoss else {
            return ParameterKernel(rule: rule, model: model, dataset: dataset, loss: loss, learningRate: 1)
        }
        return makeGeneral(rule: rule, model: diagonal, dataset: dataset, loss: margin, registry: registry)
    }
}
