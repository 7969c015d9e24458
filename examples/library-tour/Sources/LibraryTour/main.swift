// A tour of SAMLab as a library: everything below goes through `import SAMLab` (the umbrella product) alone.
//
//     swift run --package-path examples/library-tour LibraryTour [OUTPUT-FOLDER]
//
// (a) trains l2-SAM on D_mu, (b) runs the rescaled l2-SAM flow, (c) asks the theory for c_i, alpha_c and alpha* and
// solves an l1 max-margin problem, (d) defines, registers and runs a rule of its own (ASAM, in ASAM.swift) from a
// JSON specification, (e) draws beta_j(s) of the flow. It checks what the theory predicts along the way and exits
// 1 when something is off, so `make test` runs it as a test.
import Foundation
import SAMLab

struct TourFailure: Error, CustomStringConvertible {
    var description: String
}

/// Fails the tour unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw TourFailure(description: message()) }
}

func fmt(_ x: Double, _ digits: Int = 5) -> String { String(format: "%.\(digits)g", x + 0) }  // + 0: no "-0"

func vector(_ xs: [Double], _ digits: Int = 4) -> String { "(" + xs.map { fmt($0, digits) }.joined(separator: ", ") + ")" }

/// "2 → 3 → 4" from a run's leader periods (periods without growth, coordinate 0, left out).
func sequence(_ leaders: [LeaderPeriod]) -> [Int] { leaders.map(\.coordinate).filter { $0 > 0 } }

func arrows(_ coordinates: [Int]) -> String { coordinates.map(String.init).joined(separator: " → ") }

func cosine(_ a: [Double], _ b: [Double]) -> Double {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / (na * nb)
}

/// "₁₂" for 12.
func subscripted(_ n: Int) -> String {
    String(String(n).unicodeScalars.map { Character(Unicode.Scalar($0.value - 0x30 + 0x2080)!) })
}

/// One part of the tour: its title printed when it starts, its time when it ends.
struct Section {
    let start = Date()

    init(_ title: String) { print("\n== \(title)") }

    func end() { print("(\(fmt(Date().timeIntervalSince(start), 2)) s)") }
}

let mu: [Double] = [1, 2, 3, 4, 5, 6]
let alpha = 0.35, rho = 1.0

func tour(output: URL) throws {
    let start = Date()

    // MARK: (a) l2-SAM, discrete, on D_mu

    let partA = Section("(a) l2-SAM on D_mu, mu = (1, ..., 6), alpha = \(alpha), rho = \(rho), lr = 0.05")
    let train = RunSpec(data: .singleExample(mu: mu), model: ModelSpec(depth: 2, alpha: [alpha]), loss: "logistic",
                        rule: RuleSpec(name: L2SAM.name, rho: rho),
                        dynamics: .discrete(DiscreteSettings(learningRate: 0.05, steps: 30_000)), record: .log(200))
    let trained = try train.run()  // SAMAnalysis: loads and checks the data, then runs (discrete or flow alike)
    print("status \(trained.status.rawValue) after \(Int(trained.endClock)) steps, regime \(trained.regime.rawValue)")
    print("leaders (from step): " + trained.leaders.map { "\($0.coordinate) (\($0.startStep))" }.joined(separator: " → "))
    print("final beta \(vector(trained.beta)), log loss \(fmt(trained.final.logLoss))")
    try expect(trained.status == .completed, "the discrete l2-SAM run ended \(trained.status.rawValue): \(trained.reason ?? "")")
    try expect(trained.regime == .minorFirst, "the discrete l2-SAM run shows \(trained.regime.rawValue), not minor-first")
    try expect(sequence(trained.leaders) == [2, 3, 4, 5, 6], "discrete leaders \(arrows(sequence(trained.leaders))), expected 2 → 3 → 4 → 5 → 6")
    partA.end()

    // MARK: (b) the rescaled l2-SAM flow

    let partB = Section("(b) rescaled l2-SAM flow, same data and init, s = 0 ... 20")
    // At depth 2 the rescaled flow grows ||w|| like e^(mu_6 s): the default blow-up norm (1e8) would stop it near
    // s = 4.9 with status blow-up, so the cap is raised for s = 20.
    var flowSpec = train
    flowSpec.dynamics = .flow(FlowSettings(time: 20, rescaled: true, blowupNorm: 1e100))
    flowSpec.record = .every(0.01)
    let flow = try flowSpec.run()
    print("status \(flow.status.rawValue) at s = \(fmt(flow.endClock)), regime \(flow.regime.rawValue)")
    print("leader switches: " + flow.leaders.map { "β\($0.coordinate) from s = \(fmt($0.start, 4))" }.joined(separator: ", "))
    if let solver = flow.solver {
        print("solver: \(solver.acceptedSteps) accepted and \(solver.rejectedSteps) rejected steps, \(solver.segments) segment(s)")
    }
    let flowDirection = flow.direction ?? []
    print("final direction beta/|beta| \(vector(flowDirection))")
    try expect(flow.status == .completed, "the flow ended \(flow.status.rawValue): \(flow.reason ?? "")")
    try expect(sequence(flow.leaders) == [2, 3, 4, 5, 6], "flow leaders \(arrows(sequence(flow.leaders))), expected 2 → 3 → 4 → 5 → 6")
    partB.end()

    // MARK: (c) theory: c_i, alpha_c, alpha*; l1 max margin

    let partC = Section("(c) theory (L2Theory) and max margin (MaxMargin)")
    let theory = L2Theory(mu: mu, rho: rho)
    let alphaC = try theory.criticalAlpha(tolerance: 1e-6, rtol: 1e-9)
    print("c_i = rho mu_i / (sqrt 2 ||mu||): \(vector(theory.growthThresholds))")
    print("alpha_c / rho = \(fmt(alphaC / rho)) (collapse below), alpha* / rho = \(fmt(theory.alphaStar / rho)) (GD-like from there)")
    let predicted = theory.regime(alpha: alpha, alphaC: alphaC)
    print("alpha = \(alpha): initial leader β\(theory.initialLeader(alpha: alpha)), predicted regime \(predicted.rawValue), the flow shows \(flow.regime.rawValue)")
    try expect(abs(alphaC / rho - 0.31948) < 1e-4, "alpha_c / rho = \(alphaC / rho), expected about 0.31948")
    try expect(abs(theory.alphaStar / rho - 11 / (2.0.squareRoot() * 91.0.squareRoot())) < 1e-12, "alpha* / rho = \(theory.alphaStar)")
    try expect(predicted == flow.regime, "theory predicts \(predicted.rawValue), the flow shows \(flow.regime.rawValue)")
    try expect(theory.initialLeader(alpha: alpha) == sequence(flow.leaders).first, "the theory's initial leader differs from the flow's")

    // D_mu itself: the l1 max-margin classifier is e_6 / 6, the direction the flow's leaders head for.
    let single = try MaxMargin.solve(points: [mu], labels: [1], norm: .l1)
    print("D_mu: l1 max-margin b = \(vector(single.solution)), cosine with the flow's final direction \(fmt(cosine(single.direction, flowDirection), 4))")
    try expect(abs(single.solution[5] - 1.0 / 6) < 1e-9 && single.solution.dropLast().allSatisfy { abs($0) < 1e-9 },
               "the l1 max-margin classifier of D_mu is not e_6 / 6")
    // A small two-class set in R^3 on which l1 and l2 disagree: the l1 solution is (1, 10, 0) / 13 (examples 1 and 2
    // on the margin), the l2 one (1, 1.2, 0) / 2.44 (example 2 alone).
    let points: [[Double]] = [[3, 1, 0], [-1, -1.2, 0], [1, 2, 1], [-2, -2, -1]]
    let labels: [Double] = [1, -1, 1, -1]
    let l1 = try MaxMargin.solve(points: points, labels: labels, norm: .l1)
    let l2 = try MaxMargin.solve(points: points, labels: labels, norm: .l2)
    print("4 points in R^3: l1 max-margin b = \(vector(l1.solution)) (||b||_1 = \(fmt(l1.norm)), unique: \(l1.unique.map(String.init) ?? "not checked"), support \(l1.supportVectors.map { $0 + 1 }))")
    print("                 l1 direction \(vector(l1.direction)); l2 direction \(vector(l2.direction))")
    let l1Expected = [1.0 / 13, 10.0 / 13, 0], l2Expected = [1 / 2.44, 1.2 / 2.44, 0]
    try expect(zip(l1.solution, l1Expected).allSatisfy { abs($0 - $1) < 1e-9 }, "l1 solution \(l1.solution), expected (1, 10, 0) / 13")
    try expect(zip(l2.solution, l2Expected).allSatisfy { abs($0 - $1) < 1e-9 }, "l2 solution \(l2.solution), expected (1, 1.2, 0) / 2.44")
    partC.end()

    // MARK: (d) a rule of one's own: ASAM

    let partD = Section("(d) a rule defined here: ASAM (Kwon et al. 2021), registered and read from JSON")
    let registry = Registry.standard.registering(rule: ASAM.self)
    let json = Data("""
        {"data": {"kind": "single", "mu": [1, 2, 3, 4, 5, 6]}, "param": "product", "depth": 2, "alpha": [0.35],
         "loss": "logistic", "optimizer": "my-asam", "rho": 1, "my_asam_eta": 0.01, "lr": 0.05, "steps": 30000, "record": "log=200"}
        """.utf8)
    do {
        _ = try RunSpec(jsonData: json, clock: .step)  // the standard registry knows neither my-asam nor my_asam_eta
        throw TourFailure(description: "the standard registry read a spec naming an unregistered rule")
    } catch let error as SpecError {
        print("with Registry.standard the spec is refused: \(error)")
    }
    let asamSpec = try RunSpec(jsonData: json, clock: .step, registry: registry)
    print("with ASAM registered: rule \(asamSpec.rule.name), rho \(asamSpec.rule.rho), parameters \(asamSpec.rule.parameters)")
    // The rule's eps at one point, against the formula.
    let w = [0.5, -0.2, 0.1], g = [1.0, 2.0, -1.0], eta = 0.01
    let rule = ASAM(spec: asamSpec.rule)
    let eps = rule.epsilon(weights: w, gradientDirection: g, logScale: 0) ?? []
    let t = w.map { abs($0) + eta }
    let norm = zip(t, g).reduce(0) { $0 + $1.0 * $1.0 * $1.1 * $1.1 }.squareRoot()
    let expected = (0..<3).map { rho * t[$0] * t[$0] * g[$0] / norm }
    print("eps at w = \(vector(w)), g = \(vector(g)): \(vector(eps, 6)) (formula \(vector(expected, 6)))")
    try expect(eps.count == 3 && zip(eps, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "ASAM's eps differs from its formula")
    let asam = try asamSpec.run(registry: registry)
    print("status \(asam.status.rawValue) after \(Int(asam.endClock)) steps, regime \(asam.regime.rawValue)")
    print("leaders (from step): " + asam.leaders.map { "\($0.coordinate) (\($0.startStep))" }.joined(separator: " → "))
    print("final beta \(vector(asam.beta)), direction \(vector(asam.direction ?? []))")
    try expect(asam.status == .completed, "the ASAM run ended \(asam.status.rawValue): \(asam.reason ?? "")")
    // At the start every weight is alpha, so T = (alpha + eta) I and ASAM is l2-SAM with radius (alpha + eta) rho:
    // alpha / that radius is far above alpha* / rho, the GD-like regime.
    let radius = (alpha + eta) * rho
    print("at the start ASAM is l2-SAM with radius (alpha + eta) rho = \(fmt(radius)): alpha / radius = \(fmt(alpha / radius, 4)) >= alpha* / rho = \(fmt(theory.alphaStar / rho, 4)), so \(L2Theory(mu: mu, rho: radius).regime(alpha: alpha, alphaC: alphaC * radius / rho).rawValue)")
    try expect(asam.regime == .majorFirst, "the ASAM run shows \(asam.regime.rawValue), not major-first")
    // SAMLab's built-in ASAM (`asam`, `asam_eta`) takes the same steps: the same beta, bit for bit.
    let builtinJSON = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "my-asam", with: "asam")
        .replacingOccurrences(of: "my_asam_eta", with: "asam_eta")
    let builtin = try RunSpec(jsonData: Data(builtinJSON.utf8), clock: .step).run()
    print("the built-in asam from the same spec: final beta \(vector(builtin.beta)), equal bit for bit: \(builtin.beta == asam.beta)")
    try expect(builtin.beta == asam.beta && builtin.leaders == asam.leaders, "the built-in asam differs from the rule defined here")
    // A run folder of the new rule, read back with the same registry.
    let folder = output.appendingPathComponent("asam-run").path
    try RunFolder.write(asam, to: folder)
    let reread = try RunFolder.read(folder, registry: registry)
    print("written to \(folder) and read back: rule \(reread.spec.rule.name), \(reread.rows.count) rows, leaders \(arrows(sequence(reread.leaders)))")
    try expect(reread.spec == asam.spec && reread.leaders == asam.leaders, "the ASAM run folder does not read back as written")
    partD.end()

    // MARK: (e) a figure of the flow

    let partE = Section("(e) figure: beta_j(s) of the rescaled flow")
    // Two panels: the leader switches (s <= 2) and the whole run; bands mark the leading coordinate.
    func panel(title: String, until end: Double) -> Panel {
        var panel = Panel(title: title, x: Axis("rescaled time s"), y: .log("β_j"))
        panel.add(contentsOf: ShadedInterval.runs(flow.leaders.map { ($0.coordinate, $0.start) }, end: end,
                                                  colorIndex: { $0 - 1 }, label: { $0 == 0 ? nil : "β\(subscripted($0)) leads" }))
        let rows = flow.rows.filter { $0.clock <= end }
        for j in 0..<mu.count {
            let points = rows.compactMap { row in row.beta.map { (row.clock, $0[j]) } }.filter { $0.1 > 0 }
            panel.add(LineSeries(x: points.map(\.0), y: points.map(\.1), label: "β\(subscripted(j + 1))", style: .palette(j)))
        }
        return panel
    }
    let figure = Figure(title: "Rescaled ℓ₂-SAM flow on D_μ, μ = (1, …, 6), α = \(alpha), ρ = \(fmt(rho)): minor first, major last",
                        width: 900, height: 400, columns: 2,
                        panels: [panel(title: "the leader switches", until: 2), panel(title: "the whole run", until: flow.endClock)],
                        sharedLegend: .bottom)
    let rendered = SVGRenderer.render(figure)
    for warning in rendered.warnings { print("renderer: \(warning)") }
    let svg = output.appendingPathComponent("flow-beta.svg")
    try rendered.writeSVG(to: svg)
    print("wrote \(svg.path)")
    if PNGExport.isAvailable {
        let png = output.appendingPathComponent("flow-beta.png")
        try rendered.writePNG(to: png, scale: 2)
        print("wrote \(png.path)")
    } else {
        print("rsvg-convert not found: no PNG (install librsvg2-bin)")
    }
    try figure.save(to: output.appendingPathComponent("flow-beta.json"))

    partE.end()

    print("\nlibrary tour done in \(fmt(Date().timeIntervalSince(start), 3)) s")
}

let output = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "library-tour-output")
do {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try tour(output: output)
} catch {
    FileHandle.standardError.write(Data("library tour failed: \(error)\n".utf8))
    exit(1)
}
