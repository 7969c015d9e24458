/// Page geometry (points, y down) shared by layout and drawing.
struct Point: Sendable, Equatable {
    var x: Double
    var y: Double

    func distance(to p: Point) -> Double { ((x - p.x) * (x - p.x) + (y - p.y) * (y - p.y)).squareRoot() }
}

struct Rect: Sendable, Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var minY: Double { y }
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }

    func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }

    /// Overlap with positive area (touching edges do not count).
    func intersects(_ r: Rect, tolerance: Double = 0) -> Bool {
        minX < r.maxX - tolerance && r.minX < maxX - tolerance && minY < r.maxY - tolerance
            && r.minY < maxY - tolerance
    }

    func contains(_ r: Rect, tolerance: Double = 0) -> Bool {
        r.minX >= minX - tolerance && r.maxX <= maxX + tolerance && r.minY >= minY - tolerance
            && r.maxY <= maxY + tolerance
    }
}

/// Cuts polylines at a rectangle (Liang–Barsky per segment).
///
/// The clip path in the SVG already hides what falls outside a panel; cutting here as well keeps files small (a
/// zoomed-in loss curve can have most of its points off-axis) and keeps far-away points from producing huge
/// coordinates that some renderers mishandle.
enum PolylineClipper {
    /// `points` with nil marking gaps (values the axis cannot show). Returns the visible runs.
    static func clip(_ points: [Point?], to rect: Rect) -> [[Point]] {
        var runs: [[Point]] = []
        var current: [Point] = []
        func flush() {
            if current.count >= 2 { runs.append(current) } else if current.count == 1 { runs.append(current) }
            current = []
        }
        var previous: Point?
        for p in points {
            guard let p else { flush(); previous = nil; continue }
            defer { previous = p }
            guard let a = previous else {
                if rect.contains(p) { current = [p] }
                continue
            }
            guard let (c0, c1) = clipSegment(a, p, rect) else { flush(); continue }
            if current.isEmpty || current.last! != c0 {
                flush()
                current = [c0]
            }
            current.append(c1)
            if c1 != p { flush() }
        }
        flush()
        return runs
    }

    static func clipSegment(_ a: Point, _ b: Point, _ r: Rect) -> (Point, Point)? {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x - r.minX), (dx, r.maxX - a.x), (-dy, a.y - r.minY), (dy, r.maxY - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { if t > t1 { return nil }; if t > t0 { t0 = t } } else { if t < t0 { return nil }; if t < t1 { t1 = t } }
            }
        }
        // Untouched ends are returned exactly, so consecutive segments of a run still join.
        let start = t0 == 0 ? a : Point(x: a.x + t0 * dx, y: a.y + t0 * dy)
        let end = t1 == 1 ? b : Point(x: a.x + t1 * dx, y: a.y + t1 * dy)
        return (start, end)
    }

    /// Drops points closer than `tolerance` to the last kept one (keeping each run's ends): a 10⁵-step loss curve
    /// has far more points than a panel has pixels.
    static func thin(_ run: [Point], tolerance: Double = 0.35) -> [Point] {
        guard run.count > 2 else { return run }
        var out = [run[0]]
        for p in run.dropFirst().dropLast() where p.distance(to: out.last!) >= tolerance { out.append(p) }
        out.append(run.last!)
        return out
    }
}
