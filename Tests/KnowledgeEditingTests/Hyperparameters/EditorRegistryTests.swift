import Foundation
import KnowledgeEditing
import MEMIT
import ModelInterfaces
import ROME
import Testing

/// An editor that records which factory built it; its edits change nothing.
private struct RecordingEditor: KnowledgeEditor {
    static let algorithmName = "RECORDING"
    let builtAs: String
    let layers: [Int]

    var progress: LabelledProgress? { nil }

    func edit(_ requests: [EditRequest], encoder: any TextEncoder, state: EditState) throws -> EditResult {
        EditResult(deltas: [], diagnostics: [])
    }
}

@Suite("editor registry")
struct EditorRegistryTests {
    static let registry: EditorRegistry = {
        var registry = EditorRegistry()
        registry.register("ROME") { file, _ in
            RecordingEditor(builtAs: "ROME", layers: try file.decode(ROMEHyperparameters.self).layers)
        }
        registry.register("MEMIT") { file, _ in
            RecordingEditor(builtAs: "MEMIT", layers: try file.decode(MEMITHyperparameters.self).layers)
        }
        registry.register("AlphaEdit") { _, _ in RecordingEditor(builtAs: "AlphaEdit", layers: []) }
        registry.register("ULTRAEDIT") { _, _ in RecordingEditor(builtAs: "ULTRAEDIT", layers: []) }
        return registry
    }()

    static func file(algorithm: String) throws -> HyperparameterFile {
        let text = HyperparameterFileTests.romeText.replacingOccurrences(
            of: "alg_name: \"ROME\"", with: "alg_name: \"\(algorithm)\"")
        return try HyperparameterFile(data: Data(text.utf8), format: .yaml, path: "h.yaml")
    }

    @Test("names are kept as registered and matched ignoring case")
    func names() {
        #expect(Self.registry.names == ["AlphaEdit", "MEMIT", "ROME", "ULTRAEDIT"])
        #expect(Self.registry.contains("Rome") && Self.registry.contains("ultraedit") && !Self.registry.contains("R-ROME"))
    }

    @Test("a plugin registers with one line: its own name, hparams type and context")
    func pluginRegistration() throws {
        var registry = EditorRegistry()
        registry.register(ROMEEditor.self)
        registry.register(MEMITEditor.self)
        #expect(registry.names == ["MEMIT", "ROME"])
        let rome = try #require(try registry.editor(for: Self.file(algorithm: "rome")) as? ROMEEditor)
        #expect(rome.hyperparameters.layers == [0] && rome.secondMoment == nil)   // mom2_adjustment: false
        let memitFile = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/MEMIT/gpt2-xl.yaml"))
        let memit = try #require(try registry.editor(for: memitFile) as? MEMITEditor)
        #expect(throws: HyperparameterError.statisticsUnavailable(module: memit.hyperparameters.rewriteModule.description)) {
            try memit.secondMoment(0)
        }
    }

    @Test("alg_name selects its editor ignoring case, EasyEdit's UltraEdit alias included",
          arguments: [("ROME", "ROME"), ("rome", "ROME"), ("Rome", "ROME"), ("AlphaEdit", "AlphaEdit"),
                      ("ALPHAEDIT", "AlphaEdit"), ("UltraEdit", "ULTRAEDIT"), ("ULTRAEDIT", "ULTRAEDIT")])
    func lookup(algorithm: String, builtAs: String) throws {
        let editor = try #require(try Self.registry.editor(for: Self.file(algorithm: algorithm)) as? RecordingEditor)
        #expect(editor.builtAs == builtAs)
    }

    @Test("the factory decodes the editor's own hparams from the file")
    func factoryDecodes() throws {
        let editor = try #require(try Self.registry.editor(for: Self.file(algorithm: "ROME")) as? RecordingEditor)
        #expect(editor.layers == [0])
        let typo = try HyperparameterFile(
            data: Data(HyperparameterFileTests.rome("kl_factor", "kl_facter: 0.0625").utf8), format: .yaml,
            path: "h.yaml")
        let error = try #require(throws: HyperparameterError.self) { try Self.registry.editor(for: typo) }
        guard case .unknownKey(file: "h.yaml", key: "kl_facter", _, _, suggestion: "kl_factor") = error else {
            Issue.record("got \(error)")
            return
        }
    }

    @Test("an unregistered alg_name lists the registered editors and the nearest one")
    func unknownAlgorithm() throws {
        let file = try Self.file(algorithm: "ROEM")
        let error = try #require(throws: HyperparameterError.self) { try Self.registry.editor(for: file) }
        #expect(error == .unknownAlgorithm(
            file: "h.yaml", name: "ROEM", line: file.algorithmKey.line, registered: Self.registry.names,
            suggestion: "ROME"))
        #expect(error.description.contains("Registered: AlphaEdit, MEMIT, ROME, ULTRAEDIT"))
        #expect(throws: HyperparameterError.unknownAlgorithm(
            file: "h.yaml", name: "ROME", line: file.algorithmKey.line, registered: [], suggestion: nil)
        ) { try EditorRegistry().editor(for: Self.file(algorithm: "ROME")) }
    }
}
