import ModelInterfaces
import Tensors

/// What an editor built by ``EditorRegistry`` may draw on besides its hparams: the layer
/// statistics of the model being edited, where to report progress, and whether to record its
/// intermediates. The composition root (the CLI) makes one per run and hands it to the registry;
/// editors never build their own.
public struct EditingContext {
    /// Where C = E[k kᵀ] comes from; `nil` when the run has no statistics (editors that need them
    /// then fail with ``HyperparameterError/statisticsUnavailable(module:)`` on first use).
    public var statistics: (any SecondMomentProvider)?
    /// Where editors report their phases (`optimising the target vector at …`), each named by the
    /// unit of work ``EditSession/apply(_:requests:label:)`` labels (`request 3/10: …`); layer
    /// statistics computed on first use report to the same sink, unlabelled. `nil`: silent.
    public let progress: LabelledProgress?
    /// Whether editors fill ``EditResult/intermediates`` (ROME's u and v*, MEMIT's z and keys, …);
    /// off by default, as AlphaEdit's projector alone is d_in² numbers.
    public var recordsIntermediates: Bool

    public init(
        statistics: (any SecondMomentProvider)? = nil, progress: (any ProgressReporter)? = nil,
        recordsIntermediates: Bool = false
    ) {
        self.statistics = statistics
        self.progress = progress.map(LabelledProgress.init)
        self.recordsIntermediates = recordsIntermediates
    }

    /// C at a layer for the module `template` names, read from ``statistics`` when asked.
    public func secondMoment(_ template: ModuleTemplate) -> (Int) throws -> Tensor {
        { [statistics, progress] layer in
            guard let statistics else { throw HyperparameterError.statisticsUnavailable(module: template.description) }
            return try statistics.secondMoment(of: template, layer: layer, progress: progress?.unlabelled)
        }
    }
}

/// Supplies layer statistics to editors: the uncentred second moment C = E[k kᵀ] (`[d, d]`) of
/// the input of the module a template names, at one layer of the model being edited.
public protocol SecondMomentProvider: AnyObject {
    /// C for `template` at `layer`; `progress` receives the phases of statistics computed now.
    func secondMoment(of template: ModuleTemplate, layer: Int, progress: (any ProgressReporter)?) throws -> Tensor
}
