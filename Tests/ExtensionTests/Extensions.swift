import SAMCore

/// The standard registry with the three components of this target: one line each.
enum Extensions {
    static let registry = Registry.standard
        .registering(rule: TestAdaptiveSAM.self)
        .registering(loss: TestSigmoidLoss.self)
        .registering(model: TestTiedNetwork.self)
}
