import Foundation
import SAMCore

/// The largest (algebraic) eigenvalue of a symmetric operator known only through noisy products, by a shifted power
/// iteration (THEORY.md §8.4).
///
/// The power iteration v <- H v / ||H v|| converges to the eigenvalue of largest modulus, mu_1. When mu_1 >= 0 that is
/// lambda_max. When mu_1 < 0 (a Hessian dominated by negative curvature), the iteration is run again on H - mu_1 I,
/// whose eigenvalues lambda - mu_1 are all >= 0 and whose largest is lambda_max - mu_1. Each run stops when its
/// Rayleigh quotient changes by at most `tolerance` relative in one step, or after `maximumIterations` (then
/// `converged` is false). The start vector comes from `SplitMix64(seed:)`.
///
/// `product(v)` returns the direction actually probed, p (close to v: a finite-difference product in Float32 rounds
/// w + h v), and the product H p; the Rayleigh quotient p^T H p / p^T p uses both, so the rounding of the probe does
/// not bias it. nil means a non-finite product.
public enum PowerIteration {
    /// The outcome: lambda_max, the products taken, and whether each run met its tolerance.
    public struct Result: Equatable, Sendable {
        /// The estimate of lambda_max.
        public var eigenvalue: Double
        /// Products taken, over both runs.
        public var iterations: Int
        /// Whether every run stopped on its tolerance rather than on `maximumIterations`.
        public var converged: Bool
    }

    /// lambda_max of the operator of `product` on vectors of length `dimension`; nil when a product is not finite
    /// or the probed direction is 0.
    public static func largestEigenvalue(dimension n: Int, tolerance: Double, maximumIterations: Int, seed: UInt64,
                                         product: ([Double]) -> (probed: [Double], image: [Double])?) -> Result? {
        guard let first = run(dimension: n, shift: 0, tolerance: tolerance, maximumIterations: maximumIterations, seed: seed, product: product) else {
            return nil
        }
        guard first.value < 0 else { return Result(eigenvalue: first.value, iterations: first.iterations, converged: first.converged) }
        guard let second = run(dimension: n, shift: first.value, tolerance: tolerance, maximumIterations: maximumIterations, seed: seed,
                               product: product) else { return nil }
        return Result(eigenvalue: second.value, iterations: first.iterations + second.iterations, converged: first.converged && second.converged)
    }

    /// One power iteration on H - shift I; `value` is the Rayleigh quotient of H (the shift added back).
    static func run(dimension n: Int, shift: Double, tolerance: Double, maximumIterations: Int, seed: UInt64,
                    product: ([Double]) -> (probed: [Double], image: [Double])?) -> (value: Double, iterations: Int, converged: Bool)? {
        var rng = SplitMix64(seed: seed)
        var v = (0..<n).map { _ in rng.nextNormal() }
        var previous: Double? = nil
        for k in 1...max(1, maximumIterations) {
            let length = norm(v)
            guard length > 0, length.isFinite else { return nil }
            v = v.map { $0 / length }
            guard let (p, hp) = product(v) else { return nil }
            let pp = p.reduce(0) { $0 + $1 * $1 }
            guard pp > 0 else { return nil }
            let bp = zip(hp, p).map { $0 - shift * $1 }
            let value = shift + zip(p, bp).reduce(0) { $0 + $1.0 * $1.1 } / pp
            guard value.isFinite else { return nil }
            if norm(bp) == 0 { return (value, k, true) }
            if let previous, abs(value - previous) <= tolerance * max(abs(value), tolerance * abs(shift)) { return (value, k, true) }
            previous = value
            v = bp
        }
        return (previous!, maximumIterations, false)
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

/// One measurement of the CNN's sharpness: lambda_max of the training loss's Hessian on the run's fixed images.
public struct VisionSharpnessObservation: Codable, Sendable, Equatable {
    /// Training steps taken when it was measured.
    public var step: Int
    /// `step` divided by the steps of an epoch.
    public var epoch: Double
    /// lambda_max; nil when a product was not finite (then nothing is recorded as a number).
    public var lambdaMax: Double?
    /// Hessian-vector products taken (each two gradients on the images).
    public var iterations: Int
    /// Whether the power iteration met its tolerance.
    public var converged: Bool

    /// An observation from its values.
    public init(step: Int, epoch: Double, lambdaMax: Double?, iterations: Int, converged: Bool) {
        self.step = step
        self.epoch = epoch
        self.lambdaMax = lambdaMax
        self.iterations = iterations
        self.converged = converged
    }

    enum CodingKeys: String, CodingKey {
        case step, epoch, lambdaMax = "lambda_max", iterations, converged
    }

    /// Writes every key, `lambda_max` as null when it is nil.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(lambdaMax, forKey: .lambdaMax)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(converged, forKey: .converged)
    }

    /// The header of `sharpness.csv`.
    public static let csvHeader = "step,epoch,images,lambda_max,iterations,converged"

    /// This observation as one `sharpness.csv` row for `images` images (an empty field for a nil lambda_max).
    public func csvRow(images: Int) -> String {
        "\(step),\(epoch),\(images),\(lambdaMax.map { "\($0)" } ?? ""),\(iterations),\(converged)"
    }
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
/// each epoch end (THEORY.md §8.4): the shifted `PowerIteration` on central differences of gradients,
/// H v ≈ (grad L(w + h v) - grad L(w - h v)) / (2h) with h = 1e-3 max(1, ||w||_2), each gradient in Float32 over the
/// images. The network's parameters are restored bit for bit afterwards, so a run trains to the same bits with or
/// without it.
///
/// Accuracy: the power iteration stops at a relative change of `tolerance` (1e-3) per step; the finite difference
/// adds an error of order h^2 on smooth losses and the Float32 rounding of the gradients, about 1e-6 ||grad L|| / h;
/// ReLU and max-pool kinks crossed within h add more. On a softmax regression, whose Hessian is known exactly, the
/// measurement agrees with it to about 1e-3 (`VisionSharpnessTests`).
public struct VisionSharpnessObserver: Sendable {
    /// Steps between measurements; 0 = step 0 and epoch ends only.
    public var every: Int
    /// The fixed images (the first N of the training set).
    public var images: ImageSet
    /// The power iteration's relative tolerance.
    public var tolerance: Double
    /// The most products per power iteration run.
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

    /// lambda_max at the network's current parameters (restored afterwards); nil when a gradient is not finite.
    public func measure(_ net: Network) throws(InvalidInput) -> PowerIteration.Result? {
        let base = net.parameters
        defer { net.parameters = base }
        let indices = Array(0..<images.count)[...]
        let h = 1e-3 * max(1, PowerIteration.norm(base.map(Double.init)))
        var failure: InvalidInput?
        let result = PowerIteration.largestEigenvalue(dimension: base.count, tolerance: tolerance, maximumIterations: maximumIterations,
                                                      seed: seed) { v in
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

    /// Measures lambda_max now if `due` (and not already at this step), appending to `sharpness`.
    mutating func observeSharpness(_ net: Network, _ observer: VisionSharpnessObserver?, stepsPerEpoch: Int, due: Bool) throws(InvalidInput) {
        guard due, let observer, sharpness?.observations.last?.step != steps else { return }
        let result = try observer.measure(net)
        sharpness?.observations.append(VisionSharpnessObservation(step: steps, epoch: Double(steps) / Double(stepsPerEpoch),
                                                                  lambdaMax: result?.eigenvalue, iterations: result?.iterations ?? 0,
                                                                  converged: result?.converged ?? false))
    }
}
