/// The Dormand–Prince 8(5,3) explicit Runge–Kutta pair (Hairer–Nørsett–Wanner's DOP853, HNW I, II.5 and II.10),
/// with its 7th-order continuous extension, as a stepper that owns its work buffers (allocated once) and performs
/// no allocation per step. Coefficients: Hairer's dop853.f (as also used by scipy's `DOP853`).
///
/// One step from (t, y) to t + h, with k1 = f(t, y) known (FSAL):
///
///     kᵢ = f(t + cᵢh, y + h Σⱼ<ᵢ aᵢⱼ kⱼ),  i = 2…12                (11 new evaluations per attempt)
///     y_new = y + h Σᵢ bᵢ kᵢ                                      (8th order, propagated)
///     err5 = h Σᵢ erᵢ kᵢ,   err3 = h (Σᵢ bᵢ kᵢ − b̂₁k₁ − b̂₂k₉ − b̂₃k₁₂)
///
/// and the error norm (HNW's combination of a 5th- and a 3rd-order estimate, of order 8 for small h):
///
///     sc_i = atol + rtol · max(|y_i|, |y_new_i|)
///     E5 = Σ (err5_i / sc_i)²,  E3 = Σ (err3_i / sc_i)²
///     err = |h| E5 / sqrt(n (E5 + 0.01 E3))     (without the factor h inside err5 and err3)
///
/// On acceptance, k13 = f(t + h, y_new) (the next step's k1) and, for the dense output, three more stages
/// k14…k16 at c = 0.1, 0.2, 7/9 (4 evaluations). The continuous extension (DOP853's CONTD8), θ = (t* − t)/h:
///
///     u(θ) = r1 + θ(r2 + θ₁(r3 + θ(r4 + θ₁(r5 + θ(r6 + θ₁(r7 + θ r8)))))),   θ₁ = 1 − θ
///     r1 = y, r2 = y_new − y, r3 = h k1 − r2, r4 = r2 − h k13 − r3, r_{j+1} = h Σᵢ d_{j,i} kᵢ  (j = 4…7)
///
/// of order 7, with u(0) = y, u(1) = y_new.
///
/// Usage as `DormandPrince54`: `reset`, then `attempt(to:)`; on acceptance `prepareDenseOutput(field:)` (which
/// evaluates k13, and k14…k16 when `dense` is true) and `acceptStep()`.
///
/// The sums over stages go four components at a time (`_BufferLanes`: the buffers have room for whole blocks of
/// four), each lane with the scalar formula's operations in its order, so the bits of a component-by-component loop
/// (`LaneArithmeticTests`).
public final class DormandPrince853 {
    /// The coefficients of dop853.f, as Double constants (rounded once from their 30 digits).
    public enum Tableau {
        /// The nodes c_i (c1 = 0, c12 = c13 = 1; c14…c16 are the dense-output stages).
        public static let c2 = 0.526001519587677318785587544488e-01, c3 = 0.789002279381515978178381316732e-01,
            c4 = 0.118350341907227396726757197510e+00, c5 = 0.281649658092772603273242802490e+00,
            c6 = 0.333333333333333333333333333333e+00, c7 = 0.25e+00, c8 = 0.307692307692307692307692307692e+00,
            c9 = 0.651282051282051282051282051282e+00, c10 = 0.6e+00, c11 = 0.857142857142857142857142857142e+00,
            c14 = 0.1e+00, c15 = 0.2e+00, c16 = 0.777777777777777777777777777778e+00
        /// The 8th-order weights b (row 13 of A; b2…b5 = 0).
        public static let b1 = 5.42937341165687622380535766363e-2, b6 = 4.45031289275240888144113950566e0,
            b7 = 1.89151789931450038304281599044e0, b8 = -5.8012039600105847814672114227e0,
            b9 = 3.1116436695781989440891606237e-1, b10 = -1.52160949662516078556178806805e-1,
            b11 = 2.01365400804030348374776537501e-1, b12 = 4.47106157277725905176885569043e-2
        /// The weights b̂ of the 3rd-order estimate on stages 1, 9 and 12 (err3 = b·k − b̂·k).
        public static let bhh1 = 0.244094488188976377952755905512e+00, bhh2 = 0.733846688281611857341361741547e+00,
            bhh3 = 0.220588235294117647058823529412e-01
        /// The weights of the 5th-order error estimate err5 = h Σ er_i k_i.
        public static let er1 = 0.1312004499419488073250102996e-01, er6 = -0.1225156446376204440720569753e+01,
            er7 = -0.4957589496572501915214079952e+00, er8 = 0.1664377182454986536961530415e+01,
            er9 = -0.3503288487499736816886487290e+00, er10 = 0.3341791187130174790297318841e+00,
            er11 = 0.8192320648511571246570742613e-01, er12 = -0.2235530786388629525884427845e-01
        /// Row 2 of the Runge–Kutta matrix A.
        public static let a21 = 5.26001519587677318785587544488e-2
        /// Row 3 of the Runge–Kutta matrix A.
        public static let a31 = 1.97250569845378994544595329183e-2, a32 = 5.91751709536136983633785987549e-2
        /// Row 4 of the Runge–Kutta matrix A.
        public static let a41 = 2.95875854768068491816892993775e-2, a43 = 8.87627564304205475450678981324e-2
        /// Row 5 of the Runge–Kutta matrix A.
        public static let a51 = 2.41365134159266685502369798665e-1, a53 = -8.84549479328286085344864962717e-1,
            a54 = 9.24834003261792003115737966543e-1
        /// Row 6 of the Runge–Kutta matrix A.
        public static let a61 = 3.7037037037037037037037037037e-2, a64 = 1.70828608729473871279604482173e-1,
            a65 = 1.25467687566822425016691814123e-1
        /// Row 7 of the Runge–Kutta matrix A.
        public static let a71 = 3.7109375e-2, a74 = 1.70252211019544039314978060272e-1,
            a75 = 6.02165389804559606850219397283e-2, a76 = -1.7578125e-2
        /// Row 8 of the Runge–Kutta matrix A.
        public static let a81 = 3.70920001185047927108779319836e-2, a84 = 1.70383925712239993810214054705e-1,
            a85 = 1.07262030446373284651809199168e-1, a86 = -1.53194377486244017527936158236e-2,
            a87 = 8.27378916381402288758473766002e-3
        /// Row 9 of the Runge–Kutta matrix A.
        public static let a91 = 6.24110958716075717114429577812e-1, a94 = -3.36089262944694129406857109825e0,
            a95 = -8.68219346841726006818189891453e-1, a96 = 2.75920996994467083049415600797e1,
            a97 = 2.01540675504778934086186788979e1, a98 = -4.34898841810699588477366255144e1
        /// Row 10 of the Runge–Kutta matrix A.
        public static let a101 = 4.77662536438264365890433908527e-1, a104 = -2.48811461997166764192642586468e0,
            a105 = -5.90290826836842996371446475743e-1, a106 = 2.12300514481811942347288949897e1,
            a107 = 1.52792336328824235832596922938e1, a108 = -3.32882109689848629194453265587e1,
            a109 = -2.03312017085086261358222928593e-2
        /// Row 11 of the Runge–Kutta matrix A.
        public static let a111 = -9.3714243008598732571704021658e-1, a114 = 5.18637242884406370830023853209e0,
            a115 = 1.09143734899672957818500254654e0, a116 = -8.14978701074692612513997267357e0,
            a117 = -1.85200656599969598641566180701e1, a118 = 2.27394870993505042818970056734e1,
            a119 = 2.49360555267965238987089396762e0, a1110 = -3.0467644718982195003823669022e0
        /// Row 12 of the Runge–Kutta matrix A.
        public static let a121 = 2.27331014751653820792359768449e0, a124 = -1.05344954667372501984066689879e1,
            a125 = -2.00087205822486249909675718444e0, a126 = -1.79589318631187989172765950534e1,
            a127 = 2.79488845294199600508499808837e1, a128 = -2.85899827713502369474065508674e0,
            a129 = -8.87285693353062954433549289258e0, a1210 = 1.23605671757943030647266201528e1,
            a1211 = 6.43392746015763530355970484046e-1
        /// Row 14 of the Runge–Kutta matrix A.
        public static let a141 = 5.61675022830479523392909219681e-2, a147 = 2.53500210216624811088794765333e-1,
            a148 = -2.46239037470802489917441475441e-1, a149 = -1.24191423263816360469010140626e-1,
            a1410 = 1.5329179827876569731206322685e-1, a1411 = 8.20105229563468988491666602057e-3,
            a1412 = 7.56789766054569976138603589584e-3, a1413 = -8.298e-3
        /// Row 15 of the Runge–Kutta matrix A.
        public static let a151 = 3.18346481635021405060768473261e-2, a156 = 2.83009096723667755288322961402e-2,
            a157 = 5.35419883074385676223797384372e-2, a158 = -5.49237485713909884646569340306e-2,
            a1511 = -1.08347328697249322858509316994e-4, a1512 = 3.82571090835658412954920192323e-4,
            a1513 = -3.40465008687404560802977114492e-4, a1514 = 1.41312443674632500278074618366e-1
        /// Row 16 of the Runge–Kutta matrix A.
        public static let a161 = -4.28896301583791923408573538692e-1, a166 = -4.69762141536116384314449447206e0,
            a167 = 7.68342119606259904184240953878e0, a168 = 4.06898981839711007970213554331e0,
            a169 = 3.56727187455281109270669543021e-1, a1613 = -1.39902416515901462129418009734e-3,
            a1614 = 2.9475147891527723389556272149e0, a1615 = -9.15095847217987001081870187138e0
        /// Dense-output coefficients of r5 (over stages 1, 6…16).
        public static let d41 = -0.84289382761090128651353491142e+01, d46 = 0.56671495351937776962531783590e+00,
            d47 = -0.30689499459498916912797304727e+01, d48 = 0.23846676565120698287728149680e+01,
            d49 = 0.21170345824450282767155149946e+01, d410 = -0.87139158377797299206789907490e+00,
            d411 = 0.22404374302607882758541771650e+01, d412 = 0.63157877876946881815570249290e+00,
            d413 = -0.88990336451333310820698117400e-01, d414 = 0.18148505520854727256656404962e+02,
            d415 = -0.91946323924783554000451984436e+01, d416 = -0.44360363875948939664310572000e+01
        /// Dense-output coefficients of r6 (over stages 1, 6…16).
        public static let d51 = 0.10427508642579134603413151009e+02, d56 = 0.24228349177525818288430175319e+03,
            d57 = 0.16520045171727028198505394887e+03, d58 = -0.37454675472269020279518312152e+03,
            d59 = -0.22113666853125306036270938578e+02, d510 = 0.77334326684722638389603898808e+01,
            d511 = -0.30674084731089398182061213626e+02, d512 = -0.93321305264302278729567221706e+01,
            d513 = 0.15697238121770843886131091075e+02, d514 = -0.31139403219565177677282850411e+02,
            d515 = -0.93529243588444783865713862664e+01, d516 = 0.35816841486394083752465898540e+02
        /// Dense-output coefficients of r7 (over stages 1, 6…16).
        public static let d61 = 0.19985053242002433820987653617e+02, d66 = -0.38703730874935176555105901742e+03,
            d67 = -0.18917813819516756882830838328e+03, d68 = 0.52780815920542364900561016686e+03,
            d69 = -0.11573902539959630126141871134e+02, d610 = 0.68812326946963000169666922661e+01,
            d611 = -0.10006050966910838403183860980e+01, d612 = 0.77771377980534432092869265740e+00,
            d613 = -0.27782057523535084065932004339e+01, d614 = -0.60196695231264120758267380846e+02,
            d615 = 0.84320405506677161018159903784e+02, d616 = 0.11992291136182789328035130030e+02
        /// Dense-output coefficients of r8 (over stages 1, 6…16).
        public static let d71 = -0.25693933462703749003312586129e+02, d76 = -0.15418974869023643374053993627e+03,
            d77 = -0.23152937917604549567536039109e+03, d78 = 0.35763911791061412378285349910e+03,
            d79 = 0.93405324183624310003907691704e+02, d710 = -0.37458323136451633156875139351e+02,
            d711 = 0.10409964950896230045147246184e+03, d712 = 0.29840293426660503123344363579e+02,
            d713 = -0.43533456590011143754432175058e+02, d714 = 0.96324553959188282948394950600e+02,
            d715 = -0.39177261675615439165231486172e+02, d716 = -0.14972683625798562581422125276e+03
    }

    /// Order of the propagated solution.
    public static let order = 8
    /// The error estimate is O(h⁸): the step-size exponents use k = 8.
    public static let errorOrder = 8
    /// New evaluations of f per attempted step (k2…k12).
    public static let evaluationsPerStep = 11

    /// n, the length of the state.
    public let dimension: Int
    /// t of the current (accepted) state.
    public private(set) var time: Double = 0
    /// t_new of the last attempted step.
    public private(set) var trialTime: Double = 0
    /// The interval [start, end] described by the prepared dense output (the last step it was prepared for).
    public private(set) var denseInterval: (start: Double, end: Double)? = nil

    private var y: UnsafeMutableBufferPointer<Double>
    private var yNew: UnsafeMutableBufferPointer<Double>
    private var k1: UnsafeMutableBufferPointer<Double>
    private var k13: UnsafeMutableBufferPointer<Double>
    private let k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k14, k15, k16: UnsafeMutableBufferPointer<Double>
    private let stage, err5, err3: UnsafeMutableBufferPointer<Double>
    /// r1…r8, each of length n, stored consecutively (8n values).
    private let dense: UnsafeMutableBufferPointer<Double>
    private var all: [UnsafeMutableBufferPointer<Double>] = []

    /// A stepper for states of length n > 0 (its buffers allocated once).
    public init(dimension: Int) throws {
        guard dimension > 0 else {
            throw IntegratorError("DormandPrince853: dimension must be positive, got \(dimension)")
        }
        self.dimension = dimension
        var made: [UnsafeMutableBufferPointer<Double>] = []
        func buffer(_ count: Int = dimension) -> UnsafeMutableBufferPointer<Double> {
            // Zeros with room for whole blocks of four, read by the lane loops (`_BufferLanes`).
            let b = _BufferLanes.allocate(count)
            made.append(b)
            return b
        }
        y = buffer(); yNew = buffer(); k1 = buffer(); k13 = buffer()
        k2 = buffer(); k3 = buffer(); k4 = buffer(); k5 = buffer(); k6 = buffer(); k7 = buffer(); k8 = buffer()
        k9 = buffer(); k10 = buffer(); k11 = buffer(); k12 = buffer(); k14 = buffer(); k15 = buffer(); k16 = buffer()
        stage = buffer(); err5 = buffer(); err3 = buffer()
        dense = buffer(8 * dimension)
        all = made
    }

    deinit {
        for b in all { b.baseAddress!.deallocate() }
    }

    // MARK: - Views

    /// y at `time` (the current accepted state).
    public var state: UnsafeBufferPointer<Double> { UnsafeBufferPointer(y) }
    /// k1 = f(`time`, y).
    public var derivative: UnsafeBufferPointer<Double> { UnsafeBufferPointer(k1) }
    /// y_new of the last attempt.
    public var trialState: UnsafeBufferPointer<Double> { UnsafeBufferPointer(yNew) }
    /// The dense-output coefficients r1…r8 (8n values) of the last prepared step.
    public var denseCoefficients: UnsafeBufferPointer<Double> { UnsafeBufferPointer(dense) }

    // MARK: - Stepping

    /// Loads (t, y) and evaluates k1 = f(t, y) (one evaluation of f).
    /// - Returns: false if y or f(t, y) has a non-finite component.
    /// - Throws: `IntegratorError` if `state.count` or `field.dimension` differs from `dimension`.
    @discardableResult
    public func reset<F: VectorField>(field: F, time t: Double, state initial: [Double]) throws -> Bool {
        let finite = try _load(initial, at: t, of: field, into: y, derivative: k1, stepper: "DormandPrince853")
        time = t
        trialTime = t
        denseInterval = nil
        return finite
    }

    /// Attempts one step from (`time`, `state`) to `tNew`: k2…k12, y_new and both error estimates (11 evaluations
    /// of f). The current state is unchanged until `acceptStep()`.
    /// - Returns: false if a stage derivative, y_new or an estimate has a non-finite component.
    public func attempt<F: VectorField>(field: F, to tNew: Double) -> Bool {
        typealias T = Tableau
        let n = dimension, t = time, h = tNew - t
        let y = self.y, yNew = self.yNew, k1 = self.k1, k2 = self.k2, k3 = self.k3, k4 = self.k4, k5 = self.k5
        let k6 = self.k6, k7 = self.k7, k8 = self.k8, k9 = self.k9, k10 = self.k10, k11 = self.k11, k12 = self.k12
        let stage = self.stage, err5 = self.err5, err3 = self.err3
        let view = UnsafeBufferPointer(stage)

        _BufferLanes.forEachBlock(n) { x in x.store(x(y) + h * (x.term(T.a21, k1)), into: stage) }
        field.evaluate(time: t + T.c2 * h, state: view, derivative: k2)
        _BufferLanes.forEachBlock(n) { x in x.store(x(y) + h * (x.term(T.a31, k1) + x.term(T.a32, k2)), into: stage) }
        field.evaluate(time: t + T.c3 * h, state: view, derivative: k3)
        _BufferLanes.forEachBlock(n) { x in x.store(x(y) + h * (x.term(T.a41, k1) + x.term(T.a43, k3)), into: stage) }
        field.evaluate(time: t + T.c4 * h, state: view, derivative: k4)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a51, k1) + x.term(T.a53, k3) + x.term(T.a54, k4)), into: stage)
        }
        field.evaluate(time: t + T.c5 * h, state: view, derivative: k5)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a61, k1) + x.term(T.a64, k4) + x.term(T.a65, k5)), into: stage)
        }
        field.evaluate(time: t + T.c6 * h, state: view, derivative: k6)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a71, k1) + x.term(T.a74, k4) + x.term(T.a75, k5) + x.term(T.a76, k6)), into: stage)
        }
        field.evaluate(time: t + T.c7 * h, state: view, derivative: k7)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a81, k1) + x.term(T.a84, k4) + x.term(T.a85, k5) + x.term(T.a86, k6)
                + x.term(T.a87, k7)), into: stage)
        }
        field.evaluate(time: t + T.c8 * h, state: view, derivative: k8)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a91, k1) + x.term(T.a94, k4) + x.term(T.a95, k5) + x.term(T.a96, k6)
                + x.term(T.a97, k7) + x.term(T.a98, k8)), into: stage)
        }
        field.evaluate(time: t + T.c9 * h, state: view, derivative: k9)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a101, k1) + x.term(T.a104, k4) + x.term(T.a105, k5) + x.term(T.a106, k6)
                + x.term(T.a107, k7) + x.term(T.a108, k8) + x.term(T.a109, k9)), into: stage)
        }
        field.evaluate(time: t + T.c10 * h, state: view, derivative: k10)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a111, k1) + x.term(T.a114, k4) + x.term(T.a115, k5) + x.term(T.a116, k6)
                + x.term(T.a117, k7) + x.term(T.a118, k8) + x.term(T.a119, k9) + x.term(T.a1110, k10)), into: stage)
        }
        field.evaluate(time: t + T.c11 * h, state: view, derivative: k11)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a121, k1) + x.term(T.a124, k4) + x.term(T.a125, k5) + x.term(T.a126, k6)
                + x.term(T.a127, k7) + x.term(T.a128, k8) + x.term(T.a129, k9) + x.term(T.a1210, k10)
                + x.term(T.a1211, k11)), into: stage)
        }
        field.evaluate(time: tNew, state: view, derivative: k12)

        var finite = true
        _BufferLanes.forEachBlock(n) { x in
            let b = x.term(T.b1, k1) + x.term(T.b6, k6) + x.term(T.b7, k7) + x.term(T.b8, k8) + x.term(T.b9, k9)
                + x.term(T.b10, k10) + x.term(T.b11, k11) + x.term(T.b12, k12)
            let next = x(y) + h * b
            let e3 = b - x.term(T.bhh1, k1) - x.term(T.bhh2, k9) - x.term(T.bhh3, k12)
            let e5 = x.term(T.er1, k1) + x.term(T.er6, k6) + x.term(T.er7, k7) + x.term(T.er8, k8) + x.term(T.er9, k9)
                + x.term(T.er10, k10) + x.term(T.er11, k11) + x.term(T.er12, k12)
            x.store(next, into: yNew)
            x.store(e3, into: err3)
            x.store(e5, into: err5)
            // The lanes after the last component are 0 (finite), so whole lanes can be tested.
            let check = _BufferLanes.nonFinite(next) + _BufferLanes.nonFinite(e3) + _BufferLanes.nonFinite(e5)
                + _BufferLanes.nonFinite(x(k2)) + _BufferLanes.nonFinite(x(k3)) + _BufferLanes.nonFinite(x(k4))
                + _BufferLanes.nonFinite(x(k5))
            if !_BufferLanes.isFinite(check) {
                finite = false
            }
        }
        trialTime = tNew
        return finite
    }

    /// The error norm of the last attempt (formula above), NaN if a component is non-finite.
    public func errorNorm(_ controller: StepSizeController) -> Double {
        let n = dimension, h = trialTime - time
        var e5 = 0.0, e3 = 0.0
        for i in 0..<n {
            let sc = controller.atol + controller.rtol * Swift.max(Swift.abs(y[i]), Swift.abs(yNew[i]))
            let a = err5[i] / sc, b = err3[i] / sc
            e5 += a * a
            e3 += b * b
        }
        guard e5.isFinite, e3.isFinite else { return .nan }
        var denominator = e5 + 0.01 * e3
        if denominator <= 0 { denominator = 1 }
        return Swift.abs(h) * e5 / (Double(n) * denominator).squareRoot()
    }

    /// Completes an accepted attempt: k13 = f(t_new, y_new) (one evaluation) and, when `dense` is true, the dense
    /// output r1…r8 (three more evaluations). Call before `acceptStep()`.
    /// - Returns: whether everything is finite (else `denseInterval` is nil and the step must be rejected), and the
    ///   evaluations made.
    public func prepareDenseOutput<F: VectorField>(field: F, dense wanted: Bool = true) -> (finite: Bool, evaluations: Int) {
        typealias T = Tableau
        let n = dimension, t = time, h = trialTime - t
        let y = self.y, yNew = self.yNew, k1 = self.k1, k6 = self.k6, k7 = self.k7, k8 = self.k8, k9 = self.k9
        let k10 = self.k10, k11 = self.k11, k12 = self.k12, k13 = self.k13, k14 = self.k14, k15 = self.k15
        let k16 = self.k16, stage = self.stage, r = self.dense
        let view = UnsafeBufferPointer(stage)
        denseInterval = nil
        field.evaluate(time: trialTime, state: UnsafeBufferPointer(yNew), derivative: k13)
        guard DormandPrince54.allFinite(k13) else { return (false, 1) }
        guard wanted else { return (true, 1) }

        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a141, k1) + x.term(T.a147, k7) + x.term(T.a148, k8) + x.term(T.a149, k9)
                + x.term(T.a1410, k10) + x.term(T.a1411, k11) + x.term(T.a1412, k12) + x.term(T.a1413, k13)), into: stage)
        }
        field.evaluate(time: t + T.c14 * h, state: view, derivative: k14)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a151, k1) + x.term(T.a156, k6) + x.term(T.a157, k7) + x.term(T.a158, k8)
                + x.term(T.a1511, k11) + x.term(T.a1512, k12) + x.term(T.a1513, k13) + x.term(T.a1514, k14)), into: stage)
        }
        field.evaluate(time: t + T.c15 * h, state: view, derivative: k15)
        _BufferLanes.forEachBlock(n) { x in
            x.store(x(y) + h * (x.term(T.a161, k1) + x.term(T.a166, k6) + x.term(T.a167, k7) + x.term(T.a168, k8)
                + x.term(T.a169, k9) + x.term(T.a1613, k13) + x.term(T.a1614, k14) + x.term(T.a1615, k15)), into: stage)
        }
        field.evaluate(time: t + T.c16 * h, state: view, derivative: k16)

        var finite = true
        // r1…r8 as eight views of n values, for four components at a time.
        func row(_ j: Int) -> UnsafeMutableBufferPointer<Double> {
            UnsafeMutableBufferPointer(rebasing: r[(j * n)..<((j + 1) * n)])
        }
        let r1 = row(0), r2 = row(1), r3 = row(2), r4 = row(3), r5 = row(4), r6 = row(5), r7 = row(6), r8 = row(7)
        // Σ d_i k_i over stages 1, 6…16, in that order, for one row of d (r5…r8 before the factor h).
        @inline(__always)
        func sum(_ x: _BufferLanes.Block, _ d1: Double, _ d6: Double, _ d7: Double, _ d8: Double, _ d9: Double,
                 _ d10: Double, _ d11: Double, _ d12: Double, _ d13: Double, _ d14: Double, _ d15: Double,
                 _ d16: Double) -> SIMD4<Double> {
            x.term(d1, k1) + x.term(d6, k6) + x.term(d7, k7) + x.term(d8, k8) + x.term(d9, k9) + x.term(d10, k10)
                + x.term(d11, k11) + x.term(d12, k12) + x.term(d13, k13) + x.term(d14, k14) + x.term(d15, k15)
                + x.term(d16, k16)
        }
        _BufferLanes.forEachBlock(n) { x in
            let ydiff = x(yNew) - x(y)
            let bspl = h * x(k1) - ydiff
            let fourth = ydiff - h * x(k13) - bspl
            let fifth = sum(x, T.d41, T.d46, T.d47, T.d48, T.d49, T.d410, T.d411, T.d412, T.d413, T.d414, T.d415, T.d416)
            let sixth = sum(x, T.d51, T.d56, T.d57, T.d58, T.d59, T.d510, T.d511, T.d512, T.d513, T.d514, T.d515, T.d516)
            let seventh = sum(x, T.d61, T.d66, T.d67, T.d68, T.d69, T.d610, T.d611, T.d612, T.d613, T.d614, T.d615, T.d616)
            let eighth = sum(x, T.d71, T.d76, T.d77, T.d78, T.d79, T.d710, T.d711, T.d712, T.d713, T.d714, T.d715, T.d716)
            let (v5, v6, v7, v8) = (h * fifth, h * sixth, h * seventh, h * eighth)
            x.store(x(y), into: r1)
            x.store(ydiff, into: r2)
            x.store(bspl, into: r3)
            x.store(fourth, into: r4)
            x.store(v5, into: r5)
            x.store(v6, into: r6)
            x.store(v7, into: r7)
            x.store(v8, into: r8)
            // r2…r8 must be finite (r1 = y is); the lanes after the last component are 0.
            let check = _BufferLanes.nonFinite(ydiff) + _BufferLanes.nonFinite(bspl) + _BufferLanes.nonFinite(fourth)
                + _BufferLanes.nonFinite(v5) + _BufferLanes.nonFinite(v6) + _BufferLanes.nonFinite(v7)
                + _BufferLanes.nonFinite(v8)
            if !_BufferLanes.isFinite(check) {
                finite = false
            }
        }
        denseInterval = finite ? (time, trialTime) : nil
        return (finite, 4)
    }

    /// Makes the last attempt the current state: (time, y, k1) ← (t_new, y_new, k13). Swaps buffers (no copy).
    public func acceptStep() {
        swap(&y, &yNew)
        swap(&k1, &k13)
        time = trialTime
    }

    /// Evaluates the prepared dense output u at `t` into `out` (n values).
    public func interpolate(at t: Double, into out: UnsafeMutableBufferPointer<Double>) {
        guard let interval = denseInterval else { return }
        DenseScheme.dop853.interpolate(
            coefficients: UnsafeBufferPointer(dense), dimension: dimension,
            start: interval.start, end: interval.end, at: t, into: out)
    }
}
