/// Per-step bookkeeping of which coordinate grew fastest, and which weights crossed zero.
///
/// Growth is measured on |beta_j| (equal to beta_j when beta_j > 0, the single-example setting of the paper):
/// relative growth (|beta_j(k+1)| - |beta_j(k)|) / |beta_j(k)|, the discrete d log|beta_j| / dt, and absolute
/// growth |beta_j(k+1)| - |beta_j(k)|. A coordinate that leaves beta_j = 0 has infinite relative growth. The
/// leader is the argmax among growing coordinates (ties go to the lower index), 0 when none grows.
///
/// Increments come from the exact update theta(k+1) = theta(k) + f u, not from the rounded weights: every
/// coordinate's increment is divided by the common step factor f = eta |l'(z')| > 0, which changes no argmax, and
/// when f underflows (|l'| ~ e^-4800) the limit f -> 0, the first-order increment, is used. So the leader stays
/// right where the step itself is too small to be seen in floating point.
public struct GrowthScan {
    /// Whether leaders are decided (false when only zero crossings matter, as in a replay).
    public var tracksLeaders: Bool
    /// The relative leader of the current step, 1-based (0 when nothing grows).
    public private(set) var leader = 0
    /// The absolute leader of the current step, 1-based (0 when nothing grows).
    public private(set) var leaderAbsolute = 0
    private var bestRelative = 0.0
    private var bestAbsolute = 0.0
    /// The step being taken (k in beta(k) -> beta(k+1)), used to stamp first zero crossings.
    public var step = 0
    /// For each coordinate, the first step during which one of its weights changed sign or reached zero (held
    /// sparsely while few have: `FirstZeroCrossings`).
    public var zeroCrossings: FirstZeroCrossings
    /// `zeroCrossings` as one entry per coordinate, -1 if never (the dense array, made on each read).
    public var firstZeroCrossing: [Int] {
        get { zeroCrossings.steps }
        set { zeroCrossings = FirstZeroCrossings(steps: newValue) }
    }

    /// A scan for d coordinates, with no zero crossing yet.
    public init(dimension: Int, tracksLeaders: Bool = true) {
        self.tracksLeaders = tracksLeaders
        zeroCrossings = FirstZeroCrossings(dimension: dimension)
    }

    /// A scan that continues the zero crossings found so far. They are shared, not copied, until a new crossing is
    /// stamped.
    public init(zeroCrossings: FirstZeroCrossings, tracksLeaders: Bool = true) {
        self.tracksLeaders = tracksLeaders
        self.zeroCrossings = zeroCrossings
    }

    /// A scan that continues the zero crossings found so far (`firstZeroCrossing`, one entry per coordinate, -1 for
    /// none).
    public init(firstZeroCrossing: [Int], tracksLeaders: Bool = true) {
        self.init(zeroCrossings: FirstZeroCrossings(steps: firstZeroCrossing), tracksLeaders: tracksLeaders)
    }

    /// Starts step k: clears the leaders of the previous step (zero crossings are kept).
    public mutating func begin(step: Int) {
        self.step = step
        leader = 0
        leaderAbsolute = 0
        bestRelative = 0
        bestAbsolute = 0
    }

    /// The step factors below which increments are taken to first order (f u would lose bits as a subnormal).
    public static let firstOrderThreshold = 1e-250

    /// Stamps the first zero crossing of the coordinates of block b (4b..<4b+4, those below `dimension`) whose lane
    /// is set in `crossedZero`.
    public mutating func recordCrossings(block b: Int, dimension d: Int, crossedZero: SIMDMask<Lanes.MaskStorage>) {
        for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < d && crossedZero[lane] {
            zeroCrossings.record(coordinate: Lanes.scalarCount * b + lane, step: step)
        }
    }

    /// Takes this step's leaders from a kernel's pass over all coordinates (`LeaderLanes`, the same decision as
    /// `observe(coordinate:...)` over them in order).
    @inline(__always)
    public mutating func record(_ lanes: LeaderLanes) {
        guard tracksLeaders else { return }
        leader = lanes.leader
        leaderAbsolute = lanes.leaderAbsolute
        bestRelative = lanes.largestRelative
        bestAbsolute = lanes.largestAbsolute
    }

    /// Records coordinate j (0-based): beta_j before and after the step, the increment divided by the step
    /// factor f, f itself, and whether one of its weights crossed zero.
    @inline(__always)
    public mutating func observe(coordinate j: Int, before b: Double, after: Double, scaledIncrement: Double,
                                 factor f: Double, crossedZero: Bool) {
        if crossedZero { zeroCrossings.record(coordinate: j, step: step) }
        guard tracksLeaders else { return }
        // Growth of |beta|, divided by f: the signed increment while beta keeps its sign, else the change of size.
        let growth: Double
        if b > 0 && after >= 0 || b == 0 && scaledIncrement > 0 {
            growth = scaledIncrement
        } else if b < 0 && after <= 0 || b == 0 && scaledIncrement < 0 {
            growth = -scaledIncrement
        } else {
            growth = (abs(after) - abs(b)) / f
        }
        guard growth > 0 else { return }
        let relative = b == 0 ? Double.infinity : growth / abs(b)
        if relative > bestRelative {
            bestRelative = relative
            leader = j + 1
        }
        if growth > bestAbsolute {
            bestAbsolute = growth
            leaderAbsolute = j + 1
        }
    }

    /// Lanes where a weight changed sign or reached zero from a non-zero value.
    @inline(__always)
    public static func crossings(old: Lanes, new: Lanes) -> SIMDMask<Lanes.MaskStorage> {
        ((old .> 0) .& (new .<= 0)) .| ((old .< 0) .& (new .>= 0))
    }
}
