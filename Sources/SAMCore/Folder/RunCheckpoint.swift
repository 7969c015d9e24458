/// `checkpoint.json` of an unfinished discrete run: its specification and everything it produced so far. Resuming
/// from it continues to the same bytes as an uninterrupted run.
public struct RunCheckpoint: Codable, Equatable, Sendable {
    /// The run's specification (`config`).
    public var config: RunSpec
    /// The run's state when it stopped.
    public var state: DiscreteState

    /// A checkpoint of the run of `config` at `state`.
    public init(config: RunSpec, state: DiscreteState) {
        self.config = config
        self.state = state
    }

    enum CodingKeys: String, CodingKey { case config, state }

    /// Reads a checkpoint; the spec's names are read with the decoder's registry (`Registry.from(_:)`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        config = try RunSpec(json: try c.decode(JSONValue.self, forKey: .config), clock: .step, registry: Registry.from(decoder),
                             path: "config")
        state = try c.decode(DiscreteState.self, forKey: .state)
    }
}
