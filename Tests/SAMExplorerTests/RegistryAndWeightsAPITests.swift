import Foundation
@testable import SAMExplorer
import SAMCore
import Testing

/// `GET /api/registry` (what the page's selectors are built from) and the weights at each row of `/api/run`'s
/// answer (the page's weights plane).
@Suite struct RegistryAndWeightsAPITests {
    let api = ExplorerAPI()

    func json(_ r: ExplorerResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
    }

    @Test func theRegistryListsEveryRuleLossAndModelWithTheParametersDomains() throws {
        let r = api.handle(method: "GET", path: "/api/registry", body: Data())
        #expect(r.status == 200 && r.contentType == "application/json")
        let listing = try json(r)
        let rules = try #require(listing["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["name"] as? String } == Registry.standard.ruleNames)
        let byName = Dictionary(uniqueKeysWithValues: rules.map { ($0["name"] as! String, $0) })
        #expect(byName["linf-sam"]?["display_name"] as? String == "ℓ∞-SAM")
        #expect(byName["gd"]?["uses_radius"] as? Bool == false && byName["l2-sam"]?["uses_radius"] as? Bool == true)
        func parameters(_ rule: String) -> [String: [String: Any]] {
            let list = byName[rule]?["parameters"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["key"] as! String, $0) })
        }
        // Every parameter key the registry knows is listed under its rule.
        #expect(Set(rules.flatMap { ($0["parameters"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String } })
                == Set(Registry.standard.ruleParameterKeys))
        let p = try #require(parameters("lp-sam")["p"])
        #expect(p["default"] as? Double == 2 && p["minimum"] as? Double == 1 && p["minimum_included"] as? Bool == true)
        #expect(p["maximum"] is NSNull && p["maximum_included"] as? Bool == true && p["names"] as? [String] == ["inf"])
        let m = try #require(parameters("msam")["m"])
        #expect(m["default"] as? String == "n" && m["integral"] as? Bool == true)
        let norm = try #require(parameters("msam")["msam_norm"])
        #expect(norm["choice"] as? Bool == true && norm["names"] as? [String] == ["l2", "none"] && norm["default"] as? String == "l2")
        #expect(parameters("asam")["asam_eta"]?["default"] as? Double == 0.01)
        #expect(parameters("gsam")["gsam_alpha"]?["default"] as? Double == 0.1)
        let losses = try #require(listing["losses"] as? [[String: Any]])
        #expect(losses.compactMap { $0["name"] as? String } == Registry.standard.lossNames)
        #expect(losses.first { $0["name"] as? String == "squared" }?["margin_loss"] as? Bool == false)
        #expect(losses.first { $0["name"] as? String == "logistic" }?["margin_loss"] as? Bool == true)
        let models = try #require(listing["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["name"] as? String } == Registry.standard.modelNames)
        #expect(api.handle(method: "POST", path: "/api/registry", body: Data("{}".utf8)).status == 405)
    }

    /// The weights of each row, and the beta columns of the same row, from the answer.
    func rows(_ spec: String) throws -> (weights: [[Double]], beta: [[Double]]) {
        let object = try json(api.handle(method: "POST", path: "/api/run", body: Data(spec.utf8)))
        let weights = try #require(object["weights"] as? [[Double]])
        let lines = try #require(object["trajectory_csv"] as? String).split(separator: "\n")
        let header = lines[0].split(separator: ",")
        let columns = header.indices.filter { header[$0].hasPrefix("beta_") }
        let beta = lines.dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return columns.map { Double(cells[$0])! }
        }
        return (weights, beta)
    }

    @Test(arguments: [
        // product, depth 3: beta_j = w1_j w2_j w3_j; discrete and flow.
        (#"{"data": {"kind": "single", "mu": [2, 1]}, "optimizer": "linf-sam", "rho": 0.3, "lr": 0.1, "steps": 60, "depth": 3, "alpha": [0.7, 1.1]}"#, "product", 3),
        (#"{"data": {"kind": "single", "mu": [2, 1]}, "optimizer": "l2-sam", "rho": 0.3, "time": 4, "depth": 3, "alpha": [0.7, 1.1], "record": "log=30"}"#, "product", 3),
        // lp-sam at p = 1 perturbs one weight only: the layers part, and the weights say so.
        (#"{"data": {"kind": "single", "mu": [2, 1]}, "optimizer": "lp-sam", "p": 1, "rho": 0.3, "lr": 0.1, "steps": 60, "alpha": [0.7, 1.1]}"#, "product", 2),
        // signed, depth 2: beta_j = u_j^2 - v_j^2, from u = v = alpha (beta = 0).
        (#"{"data": {"kind": "single", "mu": [2, 1]}, "optimizer": "l2-sam", "rho": 0.3, "lr": 0.1, "steps": 60, "param": "signed", "alpha": [0.7, 1.1]}"#, "signed", 2),
    ])
    func theWeightsOfEachRowGiveThatRowsBeta(spec: String, param: String, depth: Int) throws {
        let (weights, beta) = try rows(spec)
        #expect(weights.count == beta.count && weights.count > 10)
        let d = 2, layers = param == "signed" ? 2 : depth
        // The first row is the init: alpha in every layer.
        #expect(weights[0] == Array(repeating: [0.7, 1.1], count: layers).flatMap { $0 })
        for (w, b) in zip(weights, beta) {
            #expect(w.count == layers * d)
            for j in 0..<d {
                let implied = param == "signed" ? pow(w[j], Double(depth)) - pow(w[d + j], Double(depth))
                                                : (0..<layers).map { w[$0 * d + j] }.reduce(1, *)
                #expect(abs(implied - b[j]) <= 1e-12 * max(1, abs(b[j])), "row \(w): beta_\(j + 1) = \(b[j]), weights give \(implied)")
            }
        }
        if spec.contains(#""p": 1"#) {
            // One-component eps (on w_1 first, at a tie): the two layers part after the first step (the rule then
            // moves eps to the other layer, the larger gradient, so they stay close; the weights show it).
            let gap = weights.map { max(abs($0[0] - $0[2]), abs($0[1] - $0[3])) }.max()!
            #expect(gap > 1e-6, "largest |w_1 - w_2| = \(gap)")
        }
    }

    @Test func weightsAreLeftOutOfTheAnswerBeyondTheLimitAndOfThePartsAlways() throws {
        let small = ExplorerAPI(limits: ExplorerLimits(maximumWeightCells: 10))
        let spec = #"{"data": {"kind": "single", "mu": [1, 2]}, "lr": 0.1, "steps": 50}"#
        let object = try json(small.handle(method: "POST", path: "/api/run", body: Data(spec.utf8)))
        #expect(object["weights"] is NSNull && object["trajectory_csv"] is String)
        let alone = api.handle(method: "POST", path: "/api/run", query: ["part": "summary"], body: Data(spec.utf8))
        #expect(!String(decoding: alone.body, as: UTF8.self).contains("trajectory_csv"))
    }
}
