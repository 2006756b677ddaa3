import ArgumentParser
import Foundation
import RunexpPlan

/// Writing to the terminal: results to stdout, diagnostics and progress to stderr.
enum Terminal {
    /// `--out ''` would put result folders in the working directory, beside the user's files.
    /// `text` as one shell word: unchanged when it is plain, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_./:=@%+-,".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static let emptyOutMessage = "--out is empty; name the folder that holds result folders (the default is results)"

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// True when stderr is a terminal (progress is then redrawn in place).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Prints every diagnostic with its source line and caret, then returns the invalid-input exit code.
    static func report(_ error: DiagnosticError) -> ExitCode {
        var sources: [String: String] = [:]
        for file in Set(error.diagnostics.map(\.location.file)) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            // Source lines are shown from files no larger than an experiment file may be: a
            // diagnostic in a 50 MB file is printed without loading it again.
            if let size = attributes?[.size] as? Int, size <= ResourceLimits.experimentBytes,
               let data = FileManager.default.contents(atPath: file) {
                sources[file] = String(decoding: data, as: UTF8.self)
            }
        }
        self.error(DiagnosticRenderer(sources: sources).render(error))
        let count = error.diagnostics.count
        self.error("\(count) error\(count == 1 ? "" : "s")")
        return ExitCode(ExitStatus.invalidInput)
    }
}
