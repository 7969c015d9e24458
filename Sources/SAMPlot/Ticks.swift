import Foundation

/// Tick placement: "nice" values a reader can interpolate between.
///
/// Linear axes step by 1, 2, 2.5 or 5 × 10^k (2.5 is slightly penalized: it needs an extra digit), choosing the
/// step whose tick count is closest to a target that the caller derives from the axis length. Log axes tick at
/// powers of ten, with unlabeled minor ticks at 2…9 × 10^k; when there are too many decades only every 2nd, 3rd,
/// 5th… is labeled, and when the range spans less than about one decade they fall back to 1-2-5 ticks, then to all
/// of 1…9, then to linear ticks, so a log axis always has at least two labels.
///
/// `fitted(...)` adds the page: it lowers the target until neighbouring labels no longer collide at the given font
/// size, and as a last resort labels only every n-th tick.
public enum Ticks {
    /// Candidate step multipliers, with a small penalty for the less readable ones.
    static let multipliers: [(m: Double, penalty: Double)] = [(1, 0), (2, 0), (2.5, 0.6), (5, 0)]

    /// The nice step for a span and a target number of ticks.
    public static func niceStep(lower: Double, upper: Double, target: Int) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(target, 1))
        let e = floor(Foundation.log10(raw))
        var best = (step: raw, score: Double.infinity)
        for exponent in [e - 1, e, e + 1] {
            for (m, penalty) in multipliers {
                let step = m * pow(10, exponent)
                let count = floor(upper / step + 1e-9) - ceil(lower / step - 1e-9) + 1
                let score = abs(count - Double(target)) + penalty + (count < 2 ? 50 : 0)
                if score < best.score - 1e-9 || (abs(score - best.score) <= 1e-9 && step > best.step) {
                    best = (step, score)
                }
            }
        }
        return best.step
    }

    /// Labeled ticks at multiples of a nice step inside [lower, upper].
    public static func linear(lower: Double, upper: Double, target: Int = 6) -> [Tick] {
        guard lower.isFinite, upper.isFinite else { return [] }
        if !(upper > lower) { return [Tick(value: lower, label: NumberLabel.compact(lower))] }
        let step = niceStep(lower: lower, upper: upper, target: target)
        let values = multiples(of: step, from: lower, to: upper)
        return zip(values, NumberLabel.linear(values, step: step)).map { Tick(value: $0, label: $1) }
    }

    /// Multiples of `step` inside the range, rounded to the step's precision so labels and positions are clean.
    static func multiples(of step: Double, from lower: Double, to upper: Double) -> [Double] {
        let first = ceil(lower / step - 1e-9), last = floor(upper / step + 1e-9)
        guard last >= first, last - first < 10_000 else { return [] }
        let decimals = max(0, Int(-floor(Foundation.log10(step))) + 2)
        let unit = pow(10, Double(min(decimals, 300)))
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step
            let cleaned = decimals > 0 && abs(v * unit) < 1e15 ? (v * unit).rounded() / unit : v
            return cleaned == 0 ? 0 : cleaned
        }
    }

    /// Ticks for a log10 axis showing data values in [lower, upper] (both > 0).
    public static func log10(lower: Double, upper: Double, target: Int = 6) -> [Tick] {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else {
            return lower > 0 && lower.isFinite ? [Tick(value: lower, label: NumberLabel.compact(lower))] : []
        }
        let a = Foundation.log10(lower), b = Foundation.log10(upper)
        let eps = 1e-9 * max(1, b - a)
        let first = Int(ceil(a - eps)), last = Int(floor(b + eps))
        let decades = last - first + 1
        func inside(_ v: Double) -> Bool {
            let t = Foundation.log10(v)
            return t >= a - eps && t <= b + eps
        }
        func minors(_ ms: [Int], skipping labeled: Set<Double> = []) -> [Tick] {
            var out: [Tick] = []
            for k in (first - 1)...(last) {
                for m in ms {
                    let v = Double(m) * pow(10, Double(k))
                    if inside(v) && !labeled.contains(v) { out.append(Tick(value: v, label: nil, isMajor: false)) }
                }
            }
            return out
        }

        if decades >= 2 {
            // Label every s-th decade so at most `target` labels appear; decades keep their mark either way.
            let strides = [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
            let s = strides.first { (decades + $0 - 1) / $0 <= max(target, 2) } ?? decades
            var ticks: [Tick] = []
            for k in first...last {
                let labeled = ((k % s) + s) % s == 0
                ticks.append(Tick(value: pow(10, Double(k)), label: labeled ? NumberLabel.powerOfTen(k) : nil,
                                  isMajor: labeled || s <= 3))
            }
            if s == 1 && decades <= 16 { ticks += minors(Array(2...9)) }
            return ticks.sorted { $0.value < $1.value }
        }

        // Less than two decades: 1-2-5, then every integer mantissa.
        for ms in [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var majors: [Double] = []
            for k in (first - 1)...(last) {
                for m in ms {
                    let v = Double(m) * pow(10, Double(k))
                    if inside(v) { majors.append(v) }
                }
            }
            if majors.count >= (ms.count == 3 ? 3 : 2) {
                let majorSet = Set(majors)
                let labeledTicks = majors.map { Tick(value: $0, label: NumberLabel.compact($0)) }
                return (labeledTicks + minors(Array(1...9), skipping: majorSet)).sorted { $0.value < $1.value }
            }
        }
        return linear(lower: lower, upper: upper, target: min(target, 4)).filter { $0.value > 0 }
    }

    /// Ticks for an axis of a laid-out panel: as many as fit along `length` points without label collisions.
    ///
    /// Label extents are estimated from `TextMetrics` at `fontSize`: along a horizontal axis neighbouring labels
    /// need their half-widths plus a gap of 0.8 em between centers; along a vertical axis, one line height plus
    /// 0.3 em.
    public static func fitted(scale: Scale, lower: Double, upper: Double, length: Double, fontSize: Double,
                              horizontal: Bool) -> [Tick] {
        let perTick = horizontal ? max(60, 4.5 * fontSize) : max(38, 3.2 * fontSize)
        let initial = min(max(Int(length / perTick) + 1, 3), 11)
        func position(_ v: Double) -> Double? {
            guard let t = scale.transform(v), let lo = scale.transform(lower), let hi = scale.transform(upper),
                  hi > lo else { return nil }
            return (t - lo) / (hi - lo) * length
        }
        func collides(_ ticks: [Tick]) -> Bool {
            var previous: (p: Double, extent: Double)?
            for tick in ticks {
                guard let label = tick.label, let p = position(tick.value) else { continue }
                let extent = horizontal ? TextMetrics.width(label, fontSize: fontSize) : fontSize * 1.02
                if let prev = previous {
                    let gap = horizontal ? 0.8 * fontSize : 0.3 * fontSize
                    if abs(p - prev.p) < (prev.extent + extent) / 2 + gap { return true }
                }
                previous = (p, extent)
            }
            return false
        }
        func generate(_ target: Int) -> [Tick] {
            scale == .log10 ? log10(lower: lower, upper: upper, target: target)
                : linear(lower: lower, upper: upper, target: target)
        }
        var ticks = generate(initial)
        var target = initial
        while collides(ticks) && target > 2 {
            target -= 1
            ticks = generate(target)
        }
        // Last resort: keep every n-th label (the marks stay).
        var n = 2
        let base = ticks
        while collides(ticks) && n <= base.count {
            var seen = 0
            ticks = base.map { tick in
                guard tick.label != nil else { return tick }
                defer { seen += 1 }
                return seen % n == 0 ? tick : Tick(value: tick.value, label: nil, isMajor: tick.isMajor)
            }
            n += 1
        }
        // Minor ticks closer than 2.5 points apart are noise.
        let minors = ticks.filter { !$0.isMajor }.compactMap { position($0.value) }.sorted()
        if minors.count > 1 {
            let closest = zip(minors, minors.dropFirst()).map { $1 - $0 }.min() ?? .infinity
            if closest < 2.5 { ticks = ticks.filter(\.isMajor) }
        }
        return ticks
    }
}
