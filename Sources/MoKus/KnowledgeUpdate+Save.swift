import Foundation
import KnowledgeEditing
import TextEncoders

extension KnowledgeUpdate {
    /// The edits file written inside the checkpoint directory.
    public static let editsFileName = "mokus-edits.safetensors"

    /// Writes the edited encoder as a new checkpoint directory (``TextEncoders/CheckpointExporter``,
    /// atomic, refusing an existing `directory`) and then the session's edits into it as
    /// ``editsFileName`` (``KnowledgeEditing/EditFile``), with the hparams text for provenance.
    ///
    /// - Throws: the exporter's and the edit file's errors; an existing `directory` is never touched.
    public static func save(
        _ encoder: TransformerTextEncoder, session: EditSession, to directory: URL, hyperparameters: String?
    ) throws {
        try CheckpointExporter.save(encoder, to: directory)
        try EditFile.save(session, to: directory.appending(path: editsFileName), hyperparameters: hyperparameters)
    }
}
