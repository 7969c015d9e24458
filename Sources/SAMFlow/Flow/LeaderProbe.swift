import SAMCore

/// The relative and absolute leaders of a flow at one state (`FlowRunner.leaders(beta:velocity:)`), decided
/// without allocating: the flow's leader location samples them at every step and bisects every switch, so each
/// sample is on the flow's hot path.
///
/// For a diagonal model whose kernel computes beta with the model's lane algebra (`FlowField._betaFollowsLaneAlgebra`),
///
///     beta_j = beta(theta_1j, …, theta_Lj),   d beta_j / dt = sum_l (d beta / d theta_l)(theta_j) v_lj
///
/// (the chain rule, THEORY.md §1.2) are computed here four coordinates at a time with `LaneAlgebra.beta` and
/// `LaneAlgebra.betaGradient`, the same operations in the same order as the kernel's `observe` and `betaVelocity`,
/// so the leaders are decided on the same bits; the velocity v is the field's (`FlowField._velocity`), or one the
/// solver already evaluated at that very state (`leaders(at:velocity:)`). Other models go through `FlowField.observe`.
/// The arithmetic is compiled for the model's concrete algebra when `FastAlgebras` (the kernels' list) has it, and
/// runs generically otherwise: the same operations either way.
final class LeaderProbe {
    /// The leaders from the weights and their velocity (n values each).
    typealias Decision = (_ state: UnsafeBufferPointer<Double>, _ velocity: UnsafeBufferPointer<Double>) -> (relative: Int, absolute: Int)

    let field: FlowField
    /// The decision for the model's lane algebra when beta follows it, else nil (every sample then goes through
    /// `observe`).
    private let decide: Decision?
    /// The velocity of the last sample (n values).
    private let velocity: UnsafeMutableBufferPointer<Double>

    init(field: FlowField, algebra: (any LaneAlgebra)?, dimension: Int) {
        self.field = field
        if let algebra, field._betaFollowsLaneAlgebra {
            var visitor = _DecisionBuilder(algebra: algebra, dimension: dimension)
            FastAlgebras.visitAll(&visitor)
            decide = visitor.decision ?? Self.decision(algebra, dimension: dimension)
        } else {
            decide = nil
        }
        velocity = .allocate(capacity: field.dimension)
        velocity.initialize(repeating: 0)
    }

    deinit { velocity.deallocate() }

    /// `leaders(_:state:velocity:dimension:)` for `algebra` at dimension d.
    static func decision<A: LaneAlgebra>(_ algebra: A, dimension d: Int) -> Decision {
        { state, velocity in leaders(algebra, state: state, velocity: velocity, dimension: d) }
    }

    /// Takes the decision compiled for the model's algebra when `FastAlgebras` lists its type.
    struct _DecisionBuilder: AlgebraTypeVisitor {
        let algebra: any LaneAlgebra
        let dimension: Int
        var decision: Decision?

        mutating func visit<A: LaneAlgebra>(_ type: A.Type) {
            guard decision == nil, let concrete = algebra as? A else { return }
            decision = LeaderProbe.decision(concrete, dimension: dimension)
        }
    }

    /// Whether `leaders(at:velocity:)` can decide from a velocity the caller has (a diagonal model's lane algebra).
    var decidesFromVelocity: Bool { decide != nil }

    /// The leaders at `state` (n values) with the weights in `held` pinned: one field evaluation. Nil where the field
    /// is not finite.
    func leaders(at state: UnsafeBufferPointer<Double>, held: [Bool]) -> (relative: Int, absolute: Int)? {
        guard let decide else {
            guard let (observation, betaVelocity) = field.observe(state, held: held) else { return nil }
            return FlowRunner.leaders(beta: observation.beta!, velocity: betaVelocity)
        }
        guard field._velocity(at: state, held: held, into: velocity) else { return nil }
        return decide(state, UnsafeBufferPointer(velocity))
    }

    /// The leaders at `state` from its velocity dw/dt (n values, held weights 0, as `FlowField._velocity` gives
    /// it): no field evaluation. Only when `decidesFromVelocity`.
    func leaders(at state: UnsafeBufferPointer<Double>, velocity: UnsafeBufferPointer<Double>) -> (relative: Int, absolute: Int) {
        decide!(state, velocity)
    }

    /// beta and d beta / dt block by block (as `GeneralKernel.observe` and `betaVelocity`: the layer-major weights
    /// padded to four lanes with zeros), each coordinate offered in order to a `LeaderRace`.
    @inline(__always)
    static func leaders<A: LaneAlgebra>(_ algebra: A, state: UnsafeBufferPointer<Double>,
                                        velocity: UnsafeBufferPointer<Double>, dimension d: Int) -> (relative: Int, absolute: Int) {
        let m = algebra.layerCount, width = Lanes.scalarCount
        let blocks = (d + width - 1) / width
        var race = LeaderRace()
        for b in 0..<blocks {
            let lanes = Swift.min(width, d - b * width)
            var theta = A.Storage()
            for l in 0..<m { theta[l] = _BufferLanes.load(state.baseAddress! + l * d + b * width, count: lanes) }
            let beta = algebra.beta(theta), gradient = algebra.betaGradient(theta)
            var total = Lanes.zero
            for l in 0..<m {
                total += gradient[l] * _BufferLanes.load(velocity.baseAddress! + l * d + b * width, count: lanes)
            }
            for lane in 0..<lanes { race.offer(b * width + lane, beta: beta[lane], velocity: total[lane]) }
        }
        return (race.relative, race.absolute)
    }
}
