import ArgumentParser
import Foundation
import KnowledgeEditing
import ModelInterfaces
import ModelIO
import Statistics
import Tensors
import TextEncoders

extension Mokus {
    /// `mokus edit`: apply an editor (chosen by the hparams file's `alg_name`) to requests.
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a model's knowledge with the method an EasyEdit hparams file names.",
            discussion: """
                Without --sequential every request (or batch, for batched editors) is edited on the \
                base model and restored afterwards, as EasyEdit's default; with --sequential edits \
                accumulate (lifelong editing). --eval measures EasyEdit's metrics before and after, \
                on the schedule given by --eval-schedule; --eval-at adds measurements along a \
                sequential run (a curve, plotted by --curve). Without --sequential, --save-edits writes \
                each batch's edits to its own file (FILE-1, FILE-2, … when there are several batches, \
                each replayable on the base model), and --save-model needs a single batch. \
                --save-intermediates writes what the editor computed on the way (ROME's u and v*, \
                MEMIT's and AlphaEdit's z and keys, AlphaEdit's projector P, UltraEdit's keys, \
                gradients and normaliser) as one safetensors file, each name prefixed batch<N>.
                """)

        @OptionGroup var editing: EditingOptions
        @Option(help: ArgumentHelp("Requests JSON (EasyEdit, ZsRE or CounterFact layout).", valueName: "file"))
        var requests: String
        @Flag(help: "Keep every edit (lifelong editing) instead of restoring after each.") var sequential = false
        @Flag(help: "Measure EasyEdit's metrics before and after editing.") var eval = false
        @Option(help: "With --sequential: evaluate after-each edit or after-all edits (default after-all).")
        var evalSchedule: EditEvaluation.Schedule?
        @Option(help: ArgumentHelp("Write the edits (deltas, requests, hparams) to this file.", valueName: "file"))
        var saveEdits: String?
        @Option(help: ArgumentHelp("Write the edited model as a checkpoint directory.", valueName: "dir"))
        var saveModel: String?
        @Option(help: ArgumentHelp(
            "Write the editor's intermediates (u, v*, z, keys, P, gradients, …) as safetensors, batch<N>.<name>.",
            valueName: "file"))
        var saveIntermediates: String?
        @OptionGroup var curveOptions: CurveOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            if evalSchedule != nil && !(sequential && eval) {
                throw ValidationError("--eval-schedule applies to --sequential --eval runs (single edits are evaluated after each).")
            }
            try curveOptions.validate(sequential: sequential, eval: eval)
            _ = try outputs()
        }

        /// --save-edits and --save-model, checked before editing; removed when the run fails.
        private func outputs() throws -> OutputPlan {
            try OutputPlan([saveEdits.map { .init(option: "--save-edits", path: $0) },
                            saveModel.map { .init(option: "--save-model", path: $0, isFolder: true) },
                            saveIntermediates.map { .init(option: "--save-intermediates", path: $0) },
                            curveOptions.curve.map { .init(option: "--curve", path: $0) }])
        }

        private var schedule: EditEvaluation.Schedule { sequential ? evalSchedule ?? .afterAll : .afterEach }

        func run() throws {
            memory.apply()
            try outputs().run { written in try edit(written: written) }
        }

        /// The run; `written` is told of each numbered per-batch edits file.
        private func edit(written: (URL) -> Void) throws {
            let run = try editing.prepare(progress: progress.reporter, recordsIntermediates: saveIntermediates != nil)
            let (file, encoder, editor, batchSize) = (run.file, run.encoder, run.editor, run.settings.batchSize ?? 1)
            let requestFile = try EditRequestFile(contentsOf: URL(fileURLWithPath: requests))
            try requestFile.checkLengths(encoder: encoder)
            let requestList = requestFile.requests
            try editor.check(requestList, encoder: encoder)   // every request, before the first edit
            // A sequential run keeps each edit only to save it: otherwise memory stays flat.
            let session = EditSession(encoder: encoder, keepsHistory: !sequential || saveEdits != nil)
            let batches = stride(from: 0, to: requestList.count, by: batchSize).map {
                Array(requestList[$0..<min($0 + batchSize, requestList.count)])
            }
            if let last = curveOptions.evalAt?.values.last, last > requestList.count {
                throw ValidationError("--eval-at \(last) is past the \(requestList.count) requests of \(requests).")
            }
            if saveModel != nil && !sequential && batches.count > 1 {
                throw ValidationError("--save-model without --sequential saves one batch's edits, but the requests make "
                                      + "\(batches.count) batches: pass --sequential to keep them all, or one batch.")
            }

            var pre: [EditEvaluation.Measurement] = []
            if eval { pre = try requestList.map { try EditEvaluation.measure($0, encoder: encoder) } }
            var post: [EditEvaluation.Measurement?] = Array(repeating: nil, count: requestList.count)
            var seconds: [Double] = []
            var intermediates: [(String, Tensor)] = []
            var curve: [EditCurvePoint] = []
            var curveCounts = curveOptions.evalAt?.values[...] ?? []
            var edited = Set<String>()
            var index = 0
            var pace = EditPace()
            for (number, batch) in batches.enumerated() {
                let start = Date()
                let eta = pace.label(remaining: requestList.count - index)
                let label = (batch.count == 1 ? "request \(index + 1)/\(requestList.count)"
                    : "requests \(index + 1)–\(index + batch.count)/\(requestList.count)") + (eta.isEmpty ? "" : ", \(eta)")
                let result = try session.apply(editor, requests: batch, label: label)
                seconds.append(Date().timeIntervalSince(start))
                pace.record(seconds: seconds[number], requests: batch.count)
                intermediates += result.intermediates.map { ("batch\(number + 1).\($0.key)", $0.value) }
                edited.formUnion(result.deltas.map(\.parameter))
                if eval && schedule == .afterEach {
                    for (offset, request) in batch.enumerated() { post[index + offset] = try EditEvaluation.measure(request, encoder: encoder) }
                }
                if !sequential {
                    try saveOutputs(session, encoder: encoder, hyperparameters: file.text,
                                    batch: batches.count > 1 ? number + 1 : nil, written: written)
                    try session.undo()
                }
                index += batch.count
                if let next = curveCounts.first, index >= next {
                    curveCounts = curveCounts.drop { $0 <= index }
                    curve.append(try EditCurvePoint.measure(
                        requestList[..<index], pre: pre[..<index], edited: edited, encoder: encoder))
                }
            }
            if eval && schedule == .afterAll {
                post = try requestList.map { try EditEvaluation.measure($0, encoder: encoder) }
            }
            if sequential { try saveOutputs(session, encoder: encoder, hyperparameters: file.text, batch: nil, written: written) }
            if let saveIntermediates {
                try SafetensorsWriter.write(intermediates, to: URL(fileURLWithPath: saveIntermediates), metadata: [
                    "algorithm": file.algorithmName, "batches": "\(batches.count)", "batch_size": "\(batchSize)",
                ])
            }
            if let path = curveOptions.curve {
                try EditCurvePoint.plot(curve, algorithm: file.algorithmName).write(to: URL(fileURLWithPath: path))
            }
            try report(requestList, pre: pre, post: post.compactMap { $0 }, curve: curve, seconds: seconds,
                       algorithm: file.algorithmName, batchSize: batchSize)
        }

        /// Writes --save-edits and --save-model for the session's current edits; `batch` numbers the
        /// edits file of one batch of a restore-mode run (`edits.safetensors` → `edits-2.safetensors`).
        private func saveOutputs(_ session: EditSession, encoder: TransformerTextEncoder, hyperparameters: String,
                                 batch: Int?, written: (URL) -> Void) throws {
            if let saveEdits {
                let url = URL(fileURLWithPath: saveEdits)
                let numbered = batch.map {
                    url.deletingLastPathComponent().appending(
                        path: "\(url.deletingPathExtension().lastPathComponent)-\($0)"
                            + (url.pathExtension.isEmpty ? "" : ".\(url.pathExtension)"))
                }
                try EditFile.save(session, to: numbered ?? url, hyperparameters: hyperparameters)
                if let numbered { written(numbered) }
            }
            if let saveModel { try CheckpointExporter.save(encoder, to: URL(fileURLWithPath: saveModel, isDirectory: true)) }
        }

        private func report(_ requests: [EditRequest], pre: [EditEvaluation.Measurement], post: [EditEvaluation.Measurement],
                            curve: [EditCurvePoint], seconds: [Double], algorithm: String, batchSize: Int) throws {
            let reports = eval ? zip(requests, zip(pre, post)).map { EditEvaluation.report($0, pre: $1.0, post: $1.1) } : []
            let summary = EditEvaluation.summary(reports)
            let unit = batchSize == 1 ? "single edits" : "batches of \(batchSize)"
            let mode = sequential ? "sequential \(unit)" : "\(unit) with restore"
            if output.json {
                var object: [String: Any] = ["algorithm": algorithm, "requests": requests.count, "mode": mode,
                                             "edit_seconds": seconds]
                if eval {
                    object["eval_schedule"] = schedule.rawValue
                    object["summary"] = summary
                    object["per_request"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(reports))
                }
                if !curve.isEmpty { object["curve"] = curve.map(\.json) }
                try printJSON(object)
                return
            }
            let total = seconds.reduce(0, +)
            print("\(algorithm): \(requests.count) request(s), \(mode), \(String(format: "%.2f", total)) s editing "
                  + "(\(String(format: "%.2f", total / Double(max(requests.count, 1)))) s per request)")
            if eval {
                print("evaluation: \(schedule.rawValue) "
                      + "(teacher-forced accuracy as EasyEdit; exact match = greedy generation)")
                print(EditEvaluation.table(summary))
            }
            for point in curve { print(point.line) }
        }
    }
}

extension EditEvaluation.Schedule: ExpressibleByArgument {}
