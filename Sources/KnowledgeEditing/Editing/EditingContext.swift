import Tensors

/// What an editor built by ``EditorRegistry`` may draw on besides its hparams: the layer
/// statistics of the model being edited, and whether to record its intermediates. The composition root (the CLI) makes one per run and
/// hands it to the registry; editors never build their own.
public struct EditingContext {
    /// Where C = E[k kᵀ] comes from; `nil` when the run has no statistics (editors that need them
    /// then fail with ``HyperparameterError/statisticsUnavailable(module:)`` on first use).
    public var statistics: (any SecondMomentProvider)?
    /// Whether editors fill ``EditResult/intermediates`` (ROME's u and v*, MEMIT's z and keys, …);
    /// off by default, as AlphaEdit's projector alone is d_in² numbers.
    public var recordsIntermediates: Bool

    public init(statistics: (any SecondMomentProvider)? = nil, recordsIntermediates: Bool = false) {
        self.statistics = statistics
        self.recordsIntermediates = recordsIntermediates
    }

    /// C at a layer for the module `template` names, read from ``statistics`` when asked.
    public func secondMoment(_ template: ModuleTemplate) -> (Int) throws -> Tensor {
        { [statistics] layer in
            guard let statistics else { throw HyperparameterError.statisticsUnavailable(module: template.description) }
            return try statistics.secondMoment(of: template, layer: layer)
        }
    }
}

/// Supplies layer statistics to editors: the uncentred second moment C = E[k kᵀ] (`[d, d]`) of
/// the input of the module a template names, at one layer of the model being edited.
public protocol SecondMomentProvider: AnyObject {
    func secondMoment(of template: ModuleTemplate, layer: Int) throws -> Tensor
}
