import Tensors

extension World {
    /// `count` renders of reserved concept `index` (``WorldSplits/reservedConcepts``, which no
    /// generator caption shows): the "photos" a user gives `mokus learn-concept`. Each scene puts the
    /// object on `background`, or on a background drawn uniformly, with the usual position jitter;
    /// the text is the scene's direct description ("a small green solid star on a teal background"),
    /// which the evaluator's alignment can check. Deterministic in `seed`.
    ///
    /// - Throws: ``WorldError/invalidArgument(name:expected:found:)`` for an index outside the
    ///   reserved concepts.
    public func conceptCaptions(concept index: Int, count: Int, background: Background? = nil, seed: UInt64 = 0)
        throws -> [Caption]
    {
        let concepts = splits.reservedConcepts
        guard concepts.indices.contains(index) else {
            throw WorldError.invalidArgument(
                name: "concept", expected: "an index in 0..<\(concepts.count) (the reserved concepts)",
                found: "\(index)")
        }
        var random = RandomGenerator(seed: seed)
        return (0..<max(count, 0)).map { _ in
            let scene =
                background.map { Scene.random(concepts[index], on: $0, using: &random) }
                ?? Scene.random(concepts[index], using: &random)
            return Caption(text: scene.caption, scene: scene, fact: nil)
        }
    }
}
