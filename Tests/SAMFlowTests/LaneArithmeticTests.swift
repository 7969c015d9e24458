import Foundation
@testable import SAMFlow
import Testing

/// The solver's loops over the state four components at a time (`_BufferLanes`) against the scalar loops they
/// replaced, bit for bit, at every length 1…9 (whole blocks, a partial last block, both): DOP853's step, error norm
/// and dense output, the whole-state DOP853 interpolant, and the leader samples' step lookup
/// (`DenseOutput._evaluate(at:near:into:)`).
@Suite struct LaneArithmeticTests {
    /// A coupled nonlinear field of n components (every component reads its neighbour, the time and an offset).
    static func field(_ n: Int) -> ClosureField {
        ClosureField(dimension: n) { t, y, dy in
            for i in 0..<n { dy[i] = sin(y[(i + 1) % n]) - 0.3 * y[i] * (1 + t) + cos(Double(i)) }
        }
    }

    /// One DOP853 step from (t, y) to tNew (h = tNew - t, as the stepper takes it) with the scalar loops of dop853.f
    /// (each component on its own): y_new, err5, err3 and the dense coefficients r1…r8 (8n values).
    static func scalarStep(_ f: ClosureField, t: Double, y: [Double], to tNew: Double)
        -> (yNew: [Double], err5: [Double], err3: [Double], dense: [Double]) {
        typealias T = DormandPrince853.Tableau
        let n = y.count, h = tNew - t
        func eval(_ time: Double, _ state: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n)
            state.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { f.evaluate(time: time, state: s, derivative: $0) } }
            return out
        }
        func stage(_ terms: [(Double, [Double])]) -> [Double] {
            (0..<n).map { i in
                var sum = terms[0].0 * terms[0].1[i]
                for (a, k) in terms.dropFirst() { sum = sum + a * k[i] }
                return y[i] + h * sum
            }
        }
        let k1 = eval(t, y)
        let k2 = eval(t + T.c2 * h, stage([(T.a21, k1)]))
        let k3 = eval(t + T.c3 * h, stage([(T.a31, k1), (T.a32, k2)]))
        let k4 = eval(t + T.c4 * h, stage([(T.a41, k1), (T.a43, k3)]))
        let k5 = eval(t + T.c5 * h, stage([(T.a51, k1), (T.a53, k3), (T.a54, k4)]))
        let k6 = eval(t + T.c6 * h, stage([(T.a61, k1), (T.a64, k4), (T.a65, k5)]))
        let k7 = eval(t + T.c7 * h, stage([(T.a71, k1), (T.a74, k4), (T.a75, k5), (T.a76, k6)]))
        let k8 = eval(t + T.c8 * h, stage([(T.a81, k1), (T.a84, k4), (T.a85, k5), (T.a86, k6), (T.a87, k7)]))
        let k9 = eval(t + T.c9 * h, stage([(T.a91, k1), (T.a94, k4), (T.a95, k5), (T.a96, k6), (T.a97, k7), (T.a98, k8)]))
        let k10 = eval(t + T.c10 * h, stage([(T.a101, k1), (T.a104, k4), (T.a105, k5), (T.a106, k6), (T.a107, k7),
                                             (T.a108, k8), (T.a109, k9)]))
        let k11 = eval(t + T.c11 * h, stage([(T.a111, k1), (T.a114, k4), (T.a115, k5), (T.a116, k6), (T.a117, k7),
                                             (T.a118, k8), (T.a119, k9), (T.a1110, k10)]))
        let k12 = eval(tNew, stage([(T.a121, k1), (T.a124, k4), (T.a125, k5), (T.a126, k6), (T.a127, k7),
                                     (T.a128, k8), (T.a129, k9), (T.a1210, k10), (T.a1211, k11)]))
        var yNew = y, err5 = y, err3 = y
        for i in 0..<n {
            let b = T.b1 * k1[i] + T.b6 * k6[i] + T.b7 * k7[i] + T.b8 * k8[i] + T.b9 * k9[i] + T.b10 * k10[i]
                + T.b11 * k11[i] + T.b12 * k12[i]
            yNew[i] = y[i] + h * b
            err3[i] = b - T.bhh1 * k1[i] - T.bhh2 * k9[i] - T.bhh3 * k12[i]
            err5[i] = T.er1 * k1[i] + T.er6 * k6[i] + T.er7 * k7[i] + T.er8 * k8[i] + T.er9 * k9[i]
                + T.er10 * k10[i] + T.er11 * k11[i] + T.er12 * k12[i]
        }
        let k13 = eval(tNew, yNew)
        let k14 = eval(t + T.c14 * h, stage([(T.a141, k1), (T.a147, k7), (T.a148, k8), (T.a149, k9), (T.a1410, k10),
                                             (T.a1411, k11), (T.a1412, k12), (T.a1413, k13)]))
        let k15 = eval(t + T.c15 * h, stage([(T.a151, k1), (T.a156, k6), (T.a157, k7), (T.a158, k8), (T.a1511, k11),
                                             (T.a1512, k12), (T.a1513, k13), (T.a1514, k14)]))
        let k16 = eval(t + T.c16 * h, stage([(T.a161, k1), (T.a166, k6), (T.a167, k7), (T.a168, k8), (T.a169, k9),
                                             (T.a1613, k13), (T.a1614, k14), (T.a1615, k15)]))
        let ks = [k1, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, k16]
        let d: [[Double]] = [
            [T.d41, T.d46, T.d47, T.d48, T.d49, T.d410, T.d411, T.d412, T.d413, T.d414, T.d415, T.d416],
            [T.d51, T.d56, T.d57, T.d58, T.d59, T.d510, T.d511, T.d512, T.d513, T.d514, T.d515, T.d516],
            [T.d61, T.d66, T.d67, T.d68, T.d69, T.d610, T.d611, T.d612, T.d613, T.d614, T.d615, T.d616],
            [T.d71, T.d76, T.d77, T.d78, T.d79, T.d710, T.d711, T.d712, T.d713, T.d714, T.d715, T.d716],
        ]
        var r = [Double](repeating: 0, count: 8 * n)
        for i in 0..<n {
            let ydiff = yNew[i] - y[i]
            let bspl = h * k1[i] - ydiff
            r[i] = y[i]
            r[n + i] = ydiff
            r[2 * n + i] = bspl
            r[3 * n + i] = ydiff - h * k13[i] - bspl
            for j in 0..<4 {
                var sum = d[j][0] * ks[0][i]
                for m in 1..<12 { sum = sum + d[j][m] * ks[m][i] }
                r[(4 + j) * n + i] = h * sum
            }
        }
        return (yNew, err5, err3, r)
    }

    @Test(arguments: 1...9) func dop853StepIsTheScalarLoops(n: Int) throws {
        let f = Self.field(n)
        let stepper = try DormandPrince853(dimension: n)
        var y = (0..<n).map { 0.3 + 0.17 * Double($0) }
        var t = 0.0
        _ = try stepper.reset(field: f, time: t, state: y)
        let controller = StepSizeController(rtol: 1e-9, atol: 1e-12)
        for step in [0.05, 0.2, 0.013, 0.6] {
            let tNew = t + step, h = tNew - t
            let reference = Self.scalarStep(f, t: t, y: y, to: tNew)
            #expect(stepper.attempt(field: f, to: tNew))
            #expect(Array(stepper.trialState) == reference.yNew)
            // The error norm from the reference's estimates, with the stepper's formula (a sum in order).
            var e5 = 0.0, e3 = 0.0
            for i in 0..<n {
                let sc = controller.atol + controller.rtol * max(abs(y[i]), abs(reference.yNew[i]))
                e5 += (reference.err5[i] / sc) * (reference.err5[i] / sc)
                e3 += (reference.err3[i] / sc) * (reference.err3[i] / sc)
            }
            let denominator = e5 + 0.01 * e3
            #expect(stepper.errorNorm(controller) == abs(h) * e5 / (Double(n) * (denominator <= 0 ? 1 : denominator)).squareRoot())
            let completion = stepper.prepareDenseOutput(field: f)
            #expect(completion.finite && completion.evaluations == 4)
            #expect(Array(stepper.denseCoefficients) == reference.dense)
            stepper.acceptStep()
            t = tNew
            y = reference.yNew
        }
    }

    @Test(arguments: 1...9) func dop853FlagsANonFiniteComponent(n: Int) throws {
        // The last component's field becomes infinite beyond y = 1: the step there is not finite, in every block.
        let f = ClosureField(dimension: n) { _, y, dy in
            for i in 0..<n { dy[i] = 1 }
            dy[n - 1] = y[n - 1] > 1 ? .infinity : 1
        }
        let stepper = try DormandPrince853(dimension: n)
        _ = try stepper.reset(field: f, time: 0, state: [Double](repeating: 0.5, count: n))
        #expect(stepper.attempt(field: f, to: 0.1))
        #expect(stepper.prepareDenseOutput(field: f).finite)
        #expect(!stepper.attempt(field: f, to: 2))
    }

    @Test(arguments: 1...9) func wholeStateInterpolantIsTheComponentFormula(n: Int) {
        // The whole-state interpolation (SIMD lanes; the leader samples' and the saved times') against
        // `interpolate(component:)`, the scalar formula of `DenseScheme` (which the event locator uses too).
        var generator = SystemRandomNumberGenerator()
        for scheme in [DenseScheme.dopri5, .dop853] {
            let r = (0..<(scheme.blocks * n)).map { _ in Double.random(in: -3...3, using: &generator) }
            var out = [Double](repeating: 0, count: n)
            for theta in [0.0, 1e-9, 0.25, 0.5, 0.731, 1.0] {
                r.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer {
                        scheme.interpolate(coefficients: r, dimension: n, start: 0, end: 1, at: theta, into: $0)
                    }
                    for i in 0..<n {
                        #expect(out[i] == scheme.interpolate(component: i, coefficients: r, dimension: n, theta: theta))
                    }
                }
            }
        }
    }

    @Test func nearStepLookupIsTheSearch() throws {
        // Every hint (before, inside and after the steps) at step starts, midpoints, ends and points in between
        // gives evaluate(at:into:)'s bits, and the hint becomes the step the search finds.
        let n = 5
        let solution = try Integrator.solve(field: Self.field(n), from: 0, state: [Double](repeating: 0.4, count: n), to: 3,
                                            controller: StepSizeController(rtol: 1e-8, atol: 1e-10), denseOutput: true,
                                            solver: .dop853)
        let output = try #require(solution.denseOutput)
        #expect(output.stepCount > 5)
        var times = [output.start, output.end, -1, 4]
        for k in 0..<output.stepCount {
            times += [output.stepStarts[k], 0.5 * (output.stepStarts[k] + output.stepEnds[k]), output.stepEnds[k],
                      output.stepStarts[k].nextUp, output.stepEnds[k].nextDown]
        }
        var expected = [Double](repeating: 0, count: n), got = [Double](repeating: 0, count: n)
        for t in times {
            let found = expected.withUnsafeMutableBufferPointer { output.evaluate(at: t, into: $0) }
            for hint in -1...(output.stepCount + 1) {
                var near = hint
                got = [Double](repeating: .nan, count: n)
                let ok = got.withUnsafeMutableBufferPointer { output._evaluate(at: t, near: &near, into: $0) }
                #expect(ok == found)
                if found {
                    #expect(got == expected)
                    #expect(near == output.stepIndex(containing: t))
                }
            }
        }
    }
}
