import Foundation
import ModelInterfaces
@testable import mokus
import Testing

/// What `mokus` prints on stderr when it is not a terminal (a log file, a batch job).
@Suite("progress lines in logs")
struct ProgressLinesTests {
    /// The lines `body` makes a non-interactive ``TerminalProgress`` print.
    func lines(_ body: (TerminalProgress) -> Void) throws -> [String] {
        let pipe = Pipe()
        body(TerminalProgress(interactive: false, logInterval: 0, output: pipe.fileHandleForWriting))
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").map(String.init)
    }

    @Test("each phase is named by its request, its steps give count, detail and seconds, and its … line gets a done line")
    func requestPhases() throws {
        let printed = try lines { terminal in
            let labelled = LabelledProgress(terminal)
            for request in 1...2 {
                labelled.label = "request \(request)/2"
                labelled.begin("optimising the target vector at model.layers.0.mlp", total: 2)
                for step in 1...2 { labelled.update(completed: step, detail: "loss \(3 - step)") }
                labelled.end()
            }
        }
        #expect(printed.count == 8)
        for (offset, request) in [1, 2].enumerated() {
            let phase = "request \(request)/2: optimising the target vector at model.layers.0.mlp"
            let group = Array(printed[(offset * 4)..<(offset * 4 + 4)])
            #expect(group[0] == phase + "…")
            #expect(group[1].hasPrefix(phase + ": 1/2, loss 2, ") && group[1].hasSuffix(" s"))
            #expect(group[2].hasPrefix(phase + ": 2/2, loss 1, "))
            #expect(group[3].hasPrefix(phase + ": done, loss 1, "))
        }
    }
}
