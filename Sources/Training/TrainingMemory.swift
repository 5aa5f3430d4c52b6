import ModelInterfaces

/// What training holds per trainable parameter, checked against ``ModelInterfaces/MemoryBudget``
/// before the loop (``Trainer/train(parameters:objective:checkpointDirectory:resume:stopAfter:progress:)``)
/// or before a model is even initialised (``LanguageModelPretraining``), so a model too large for
/// the machine (or `--max-memory`) is refused with the estimate instead of swapping or being killed.
///
///     bytes = 4 · n · (1 initial + 1 trained copy + 1 gradient + 2 AdamW moments [+ 1 average with EMA])
///
/// Activations are the models' own forward-pass estimates.
enum TrainingMemory {
    /// The estimate for `parameterCount` Float32 parameters.
    static func bytes(parameterCount: Int, averaged: Bool) -> Int {
        MemoryBudget.bytes(4, parameterCount, averaged ? 6 : 5)
    }

    /// Throws when training `parameterCount` parameters is over `limit`.
    ///
    /// - Throws: ``ModelInterfaces/MemoryBudgetError/overBudget(operation:estimate:limit:)``.
    static func check(parameterCount: Int, averaged: Bool, limit: Int = MemoryBudget.limit) throws {
        try MemoryBudget.check(
            bytes(parameterCount: parameterCount, averaged: averaged), for: "training \(parameterCount) parameters",
            limit: limit)
    }
}
