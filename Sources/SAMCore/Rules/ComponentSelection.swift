/// The first largest positive score over a vector of parameters, four components at a time: the component that a
/// one-component rule (`Rule.selectsOneComponent`, lp-SAM at p = 1) perturbs.
///
/// Each component comes with its position, an integer that increases in parameter order (layer by layer, then
/// coordinate; padded positions may be skipped). The blocks may be observed in any order: a score beats the kept one
/// when it is larger, or equal at a smaller position, so the winner is the first largest in parameter order whatever
/// the order of the passes. Scores of 0 (a zero gradient, padded lanes) never win, and neither does NaN.
struct ComponentSelection {
    /// Per lane: the best score so far (0 while none is positive) and its position.
    var score = Lanes.zero
    var position = Lanes(repeating: .infinity)

    /// Offsets of the four lanes within a block.
    static let laneOffsets = Lanes(0, 1, 2, 3)

    /// Observes the scores of the four components at positions `firstPosition`, `firstPosition + 1`, ...
    @inline(__always)
    mutating func observe(_ scores: Lanes, firstPosition: Int) {
        let positions = Lanes(repeating: Double(firstPosition)) + Self.laneOffsets
        let better = (scores .> score) .| ((scores .== score) .& (positions .< position))
        score.replace(with: scores, where: better)
        position.replace(with: positions, where: better)
    }

    /// The position of lane `lane` of block b of layer l in layer-major storage with `blocks` blocks per layer.
    @inline(__always)
    static func position(layer l: Int, block b: Int, blocks: Int) -> Int { (l * blocks + b) * Lanes.scalarCount }

    /// The layer, block and lane of a position of `position(layer:block:blocks:)` (plus its lane).
    static func location(_ position: Int, blocks: Int) -> (layer: Int, block: Int, lane: Int) {
        let slot = position / Lanes.scalarCount
        return (slot / blocks, slot % blocks, position % Lanes.scalarCount)
    }

    /// The position of the first largest positive score, or nil when no score is positive.
    func winner() -> Int? {
        var best = 0.0, at = Double.infinity
        for lane in 0..<Lanes.scalarCount where score[lane] > best || (score[lane] == best && position[lane] < at) {
            best = score[lane]
            at = position[lane]
        }
        return best > 0 ? Int(at) : nil
    }
}
