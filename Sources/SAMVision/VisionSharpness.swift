import Foundation
import SAMCore

/// One measurement of the CNN's sharpness: lambda_max of the training loss's Hessian on the run's fixed images, the
/// gradient norm there and the edges of stability it is compared with (THEORY.md §8.3, §8.4).
public struct VisionSharpnessObservation: Codable, Sendable, Equatable {
    /// Training steps taken when it was measured.
    public var step: Int
    /// `step` divided by the steps of an epoch.
    public var epoch: Double
    /// lambda_max; nil when a product was not finite (then nothing is recorded as a number).
    public var lambdaMax: Double?
    /// Hessian-vector products taken (each two gradients on the images).
    public var iterations: Int
    /// Whether the measurement (`NoisyLanczos`) met its tolerance.
    public var converged: Bool
    /// ||grad L(w)||_2: the Euclidean norm of the gradient of the mean cross-entropy over the same fixed images, at the
    /// iterate w (the unperturbed weights after `step` steps), in Float32 summed in Float64; nil when not finite (and in
    /// series recorded before it existed). For a full-batch run measured on all its training images it is the
    /// gradient norm l2-SAM normalizes by at the next step.
    public var gradientNorm: Double?
    /// GD's edge 2/eta (`StabilityEdges.gd`); nil in series recorded before it existed.
    public var gdEdge: Double?
    /// l2-SAM's edge, the lambda with eta lambda (1 + rho lambda / ||g||_2) = 2 at g = `gradientNorm`
    /// (`StabilityEdges.sam`); only for l2-SAM runs, nil otherwise.
    public var samEdge: Double?

    /// An observation from its values.
    public init(step: Int, epoch: Double, lambdaMax: Double?, iterations: Int, converged: Bool,
                gradientNorm: Double? = nil, gdEdge: Double? = nil, samEdge: Double? = nil) {
        self.step = step
        self.epoch = epoch
        self.lambdaMax = lambdaMax
        self.iterations = iterations
        self.converged = converged
        self.gradientNorm = gradientNorm
        self.gdEdge = gdEdge
        self.samEdge = samEdge
    }

    enum CodingKeys: String, CodingKey {
        case step, epoch, lambdaMax = "lambda_max", iterations, converged, gradientNorm = "grad_norm", gdEdge = "gd_edge", samEdge = "sam_edge"
    }

    /// Writes every key, the optional numbers as null when they are nil.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(lambdaMax, forKey: .lambdaMax)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(converged, forKey: .converged)
        try c.encode(gradientNorm, forKey: .gradientNorm)
        try c.encode(gdEdge, forKey: .gdEdge)
        try c.encode(samEdge, forKey: .samEdge)
    }

    /// The header of `sharpness.csv` (the first six columns as before the gradient norm and the edges were added).
    public static let csvHeader = "step,epoch,images,lambda_max,iterations,converged,grad_norm,gd_edge,sam_edge"

    /// This observation as one `sharpness.csv` row for `images` images (an empty field for each nil number).
    public func csvRow(images: Int) -> String {
        "\(step),\(epoch),\(images),\(Self.field(lambdaMax)),\(iterations),\(converged),\(Self.field(gradientNorm)),\(Self.field(gdEdge)),\(Self.field(samEdge))"
    }

    /// A CSV field: the number, or empty for nil.
    static func field(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
}

/// The sharpness series of a CNN run and how it was measured: saved in the checkpoint (so a resumed run continues
/// it) and in `summary.json` under `sharpness`.
public struct VisionSharpnessSeries: Codable, Sendable, Equatable {
    /// Steps between measurements (0: step 0 and epoch ends only).
    public var every: Int
    /// The number of fixed training images the loss is taken on.
    public var images: Int
    /// The measurements, in step order.
    public var observations: [VisionSharpnessObservation]

    /// A series measured every `every` steps on `images` images.
    public init(every: Int, images: Int, observations: [VisionSharpnessObservation] = []) {
        self.every = every
        self.images = images
        self.observations = observations
    }

    enum CodingKeys: String, CodingKey {
        case every = "every_steps", images, observations
    }

    /// `sharpness.csv`.
    public var csv: String {
        ([VisionSharpnessObservation.csvHeader] + observations.map { $0.csvRow(images: images) }).joined(separator: "\n") + "\n"
    }

    /// The observation at the end of `step`, if one was made then (the value `history.csv` shows for an epoch).
    public func value(atStep step: Int) -> VisionSharpnessObservation? { observations.last { $0.step == step } }
}

/// Measures lambda_max of the mean cross-entropy on fixed training images, at step 0, every `every` steps and at
/// each epoch end (THEORY.md §8.4): `NoisyLanczos` on central differences of gradients,
/// H v ≈ (grad L(w + h v) - grad L(w - h v)) / (2h) with h = 1e-3 max(1, ||w||_2), each gradient in Float32 over the
/// images. The network's parameters are restored bit for bit afterwards, so a run trains to the same bits with or
/// without it.
///
/// Accuracy: Lanczos stops at a relative residual bound of `tolerance` (1e-3); the finite difference
/// adds an error of order h^2 on smooth losses and the Float32 rounding of the gradients, about 1e-6 ||grad L|| / h;
/// ReLU and max-pool kinks crossed within h add more. On a softmax regression, whose Hessian is known exactly, the
/// measurement agrees with it to about 1e-3 (`VisionSharpnessTests`).
public struct VisionSharpnessObserver: Sendable {
    /// Steps between measurements; 0 = step 0 and epoch ends only.
    public var every: Int
    /// The fixed images (the first N of the training set).
    public var images: ImageSet
    /// Lanczos's relative tolerance on its residual bound.
    public var tolerance: Double
    /// The most products per measurement.
    public var maximumIterations: Int
    /// The seed of the start vector.
    public var seed: UInt64

    /// An observer on the first `count` of `images`; `every` >= 0 and 1 <= `count` <= the images available.
    public init(every: Int, images: ImageSet, count: Int, tolerance: Double = 1e-3, maximumIterations: Int = 100,
                seed: UInt64 = Lanczos.defaultSeed) throws(InvalidInput) {
        guard every >= 0 else { throw InvalidInput("the sharpness interval must be 0 (step 0 and epoch ends) or positive, got \(every)") }
        guard count >= 1, count <= images.count else {
            throw InvalidInput("cannot measure sharpness on \(count) images: the training set has \(images.count)")
        }
        self.every = every
        self.images = images.prefix(count)
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
        self.seed = seed
    }

    /// The empty series this observer fills.
    public var emptySeries: VisionSharpnessSeries { VisionSharpnessSeries(every: every, images: images.count) }

    /// lambda_max at the network's current parameters (restored afterwards), Lanczos (`NoisyLanczos`) started from `start`
    /// (a warm start) or from `seed`; nil when a gradient is not finite.
    public func measure(_ net: Network, start: [Double]? = nil) throws(InvalidInput) -> PowerIteration.Result? {
        let base = net.parameters
        defer { net.parameters = base }
        let indices = Array(0..<images.count)[...]
        let h = 1e-3 * max(1, PowerIteration.norm(base.map(Double.init)))
        var failure: InvalidInput?
        let result = NoisyLanczos.largestEigenvalue(dimension: base.count, tolerance: tolerance, maximumIterations: maximumIterations,
                                                      seed: seed, start: start) { v in
            var plus = base, minus = base, probed = [Double](repeating: 0, count: base.count)
            for i in base.indices {
                plus[i] = Float(Double(base[i]) + h * v[i])
                minus[i] = Float(Double(base[i]) - h * v[i])
                probed[i] = (Double(plus[i]) - Double(minus[i])) / (2 * h)
            }
            let up: [Float], down: [Float]
            do throws(InvalidInput) {
                net.parameters = plus
                up = try TrainingRun.batchGradient(net, images, indices).gradient
                net.parameters = minus
                down = try TrainingRun.batchGradient(net, images, indices).gradient
            } catch {
                failure = error
                return nil
            }
            let image = zip(up, down).map { (Double($0) - Double($1)) / (2 * h) }
            return image.allSatisfy(\.isFinite) ? (probed, image) : nil
        }
        if let failure { throw failure }
        return result
    }

    /// ||grad L(w)||_2 of the mean cross-entropy over the fixed images at the network's current parameters (the Float32
    /// gradient of `TrainingRun.batchGradient`, squared and summed in Float64); nil when it is not finite.
    public func gradientNorm(_ net: Network) throws(InvalidInput) -> Double? {
        let g = try TrainingRun.batchGradient(net, images, Array(0..<images.count)[...]).gradient
        let value = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return value.isFinite ? value : nil
    }
}

extension TrainingRun {
    /// Starts the sharpness series, or checks that a resumed one was measured the same way.
    mutating func startSharpness(_ observer: VisionSharpnessObserver?) throws(InvalidInput) {
        guard let observer else { return }
        guard let series = sharpness else { sharpness = observer.emptySeries; return }
        guard series.every == observer.every, series.images == observer.images.count else {
            throw InvalidInput("the checkpoint's sharpness series was measured every \(series.every) steps on \(series.images) images, not every \(observer.every) on \(observer.images.count); resume with the same settings")
        }
    }

    /// Measures lambda_max now if `due` (and not already at this step), appending to `sharpness` with the gradient
    /// norm on the same images, GD's edge 2/eta and, for l2-SAM, its edge at that norm (`StabilityEdges`). The power
    /// iteration starts from the previous measurement's eigenvector (`sharpnessStart`, kept in Float32 so that a
    /// resumed run starts from the same bits), or from the observer's seed at the first measurement.
    mutating func observeSharpness(_ net: Network, _ observer: VisionSharpnessObserver?, stepsPerEpoch: Int, due: Bool) throws(InvalidInput) {
        guard due, let observer, sharpness?.observations.last?.step != steps else { return }
        let result = try observer.measure(net, start: sharpnessStart?.map(Double.init))
        // A Ritz vector that was not finite comes back empty: the next measurement then starts from the seed.
        if let result { sharpnessStart = result.vector.count == net.parameterCount ? result.vector.map(Float.init) : nil }
        let gradientNorm = try observer.gradientNorm(net)
        let samEdge = config.optimizer == .l2SAM ? gradientNorm.map {
            StabilityEdges.sam(learningRate: config.learningRate, rho: config.rho, gradientNorm: $0)
        } : nil
        sharpness?.observations.append(VisionSharpnessObservation(step: steps, epoch: Double(steps) / Double(stepsPerEpoch),
                                                                  lambdaMax: result?.eigenvalue, iterations: result?.iterations ?? 0,
                                                                  converged: result?.converged ?? false, gradientNorm: gradientNorm,
                                                                  gdEdge: StabilityEdges.gd(learningRate: config.learningRate), samEdge: samEdge))
    }
}
