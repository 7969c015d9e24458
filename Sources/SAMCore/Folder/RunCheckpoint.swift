/// `checkpoint.json` of an unfinished discrete run: its specification and everything it produced so far. Resuming
/// from it continues to the same bytes as an uninterrupted run.
public struct RunCheckpoint: Codable, Equatable, Sendable {
    public var config: RunSpec
    public var state: DiscreteState

    public init(config: RunSpec, state: DiscreteState) {
        self.config = config
        self.state = state
    }

    enum CodingKeys: String, CodingKey { case config, state }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        config = try RunSpec(json: try c.decode(JSONValue.self, forKey: .config), clock: .step, registry: Registry.from(decoder),
                             path: "config")
        state = try c.decode(DiscreteState.self, forKey: .state)
    }
}
