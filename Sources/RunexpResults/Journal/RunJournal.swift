import Crypto
import Foundation
import RunexpPlan

/// What a journal line is bound to: the plan and the data its run was trained on, and the kernel
/// code path that trained it (it decides the last bits of every number).
///
/// Each line of a journal or of a shard's `runs.jsonl` ends with a checksum of the record's text
/// and this fingerprint, so a line altered on disk (a flipped byte, a hand edit) or copied from a
/// folder of another plan or other data is refused where it is read, with its line number.
public struct JournalFingerprint: Sendable, Equatable {
    /// SHA-256 of plan.json.
    public var planSHA256: String
    /// SHA-256 of every data file, by path (as provenance.json records them).
    public var dataSHA256: [String: String]
    /// The kernel code path (`simd8`, `avx2-fma`; provenance.json's `kernel`); this process's by default.
    public var kernel: String

    public init(planSHA256: String, dataSHA256: [String: String], kernel: String) {
        self.planSHA256 = planSHA256
        self.dataSHA256 = dataSHA256
        self.kernel = kernel
    }

    /// `plan <hex>`, `kernel <path>`, then `data <path> <hex>` per file in path order, one per line:
    /// what each checksum starts from.
    var canonicalBytes: [UInt8] {
        var text = "plan \(planSHA256)\nkernel \(kernel)\n"
        for (path, hash) in dataSHA256.sorted(by: { $0.key < $1.key }) { text += "data \(path) \(hash)\n" }
        return Array(text.utf8)
    }
}

/// The first line of a `.journal`: what the folder was started with, so that resuming can refuse
/// other data before it reads a single record.
struct JournalHeader: Codable, Equatable {
    /// The line format's version.
    var runexpJournal: Int
    var planSHA256: String
    var dataSHA256: [String: String]
    var kernel: String

    static let currentVersion = 1

    /// The values of `kernel` a journal can hold: the kernel's code paths (`KernelVocabularyTests`
    /// holds this list equal to the kernel's own). Any other value is damage, not another machine.
    static let kernelCodePaths = ["simd8", "avx2-fma"]

    enum CodingKeys: String, CodingKey {
        case runexpJournal = "runexp_journal", planSHA256 = "plan_sha256", dataSHA256 = "data_sha256", kernel
    }

    init(_ fingerprint: JournalFingerprint) {
        runexpJournal = Self.currentVersion
        planSHA256 = fingerprint.planSHA256
        dataSHA256 = fingerprint.dataSHA256
        kernel = fingerprint.kernel
    }

    var fingerprint: JournalFingerprint { JournalFingerprint(planSHA256: planSHA256, dataSHA256: dataSHA256, kernel: kernel) }

    /// The header as one line of compact JSON with sorted keys, newline included.
    var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The journal's line format: one compact JSON run record per line.
///
/// In a file each record's line is ``checkedLine(_:fingerprint:)``: the record's JSON with a last
/// key `"check"`, 16 hex digits of SHA-256 over the fingerprint and the record's JSON without it.
/// The line stays one JSON object (`jq` reads `runs.jsonl`); ``JournalReader`` verifies it.
enum RunJournal {
    /// The bytes that end a checked line before its 16 hex digits.
    static let checkKey: [UInt8] = Array(",\"check\":\"".utf8)

    /// ``line(_:)`` with its checksum: what the journal and `runs.jsonl` hold.
    static func checkedLine(_ record: RunRecord, fingerprint: JournalFingerprint) -> String {
        var bytes: [UInt8] = []
        appendChecked(record, fingerprint: fingerprint.canonicalBytes, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``checkedLine(_:fingerprint:)``'s bytes to `out` (`fingerprint` is
    /// ``JournalFingerprint/canonicalBytes``).
    static func appendChecked(_ record: RunRecord, fingerprint: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        append(record, to: &out)
        out.removeLast()  // the newline
        let digest = checksum(fingerprint: fingerprint, record: out[start...])
        out.removeLast()  // the closing brace
        out.append(contentsOf: checkKey)
        out.append(contentsOf: digest)
        out.append(contentsOf: Array("\"}\n".utf8))
    }

    /// 16 lowercase hex digits: the first 8 bytes of SHA-256 over `fingerprint` then `record`.
    static func checksum(fingerprint: [UInt8], record: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: fingerprint)
        hasher.update(data: record)
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(16)
        for byte in hasher.finalize().prefix(8) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        return hex
    }

    /// One journal line: the record as JSON with `JSONEncoder`'s keys and shape (nil metrics left
    /// out, non-finite numbers as the strings "inf", "-inf", "nan"), then a newline.
    ///
    /// Written by hand because every finished run writes one while the others train: `JSONEncoder`
    /// took a quarter of a millisecond for a 25-epoch record, 6 % of the reference grid's CPU time.
    /// Numbers print in Swift's shortest round-trip form, so ``read(_:runCount:)`` gives back the
    /// same record bit for bit.
    static func line(_ record: RunRecord) -> String {
        var bytes: [UInt8] = []
        append(record, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``line(_:)``'s bytes to `out`.
    static func append(_ record: RunRecord, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 160 + 130 * record.curve.count)
        text("{\"curve\":[", to: &out)
        for (index, point) in record.curve.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            text("{\"epoch\":", to: &out)
            integer(point.epoch, to: &out)
            field(",\"trainAccuracy\":", point.trainAccuracy, to: &out)
            text(",\"trainLoss\":", to: &out)
            number(point.trainLoss, to: &out)
            field(",\"validationAccuracy\":", point.validationAccuracy, to: &out)
            field(",\"validationLoss\":", point.validationLoss, to: &out)
            field(",\"validationRMSE\":", point.validationRMSE, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        let run = record.run
        text(record.diverged ? "],\"diverged\":true,\"epochsRun\":" : "],\"diverged\":false,\"epochsRun\":", to: &out)
        integer(record.epochsRun, to: &out)
        text(",\"run\":{\"cell\":", to: &out)
        integer(run.cell, to: &out)
        text(",\"fold\":", to: &out)
        integer(run.fold, to: &out)
        text(",\"index\":", to: &out)
        integer(run.index, to: &out)
        text(",\"repetition\":", to: &out)
        integer(run.repetition, to: &out)
        out.append(UInt8(ascii: "}"))
        if let rungs = record.rungs {
            text(",\"rungs\":[", to: &out)
            for (index, value) in rungs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if let value { number(value, to: &out) } else { text("null", to: &out) }
            }
            out.append(UInt8(ascii: "]"))
        }
        text(",\"seed\":", to: &out)
        text(String(record.seed), to: &out)
        metrics(",\"test\":{", record.test, to: &out)
        metrics(",\"validation\":{", record.validation, to: &out)
        text("}\n", to: &out)
    }

    private static func metrics(_ opening: StaticString, _ part: PartMetrics?, to out: inout [UInt8]) {
        guard let part else { return }
        text(opening, to: &out)
        // Keys in sorted order, as JSONEncoder's sortedKeys writes them (JournalFormatTests).
        var first = true
        for kind in part.kinds {
            guard let value = part.values[kind] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            text(kind.journalKey, to: &out)
            text("\":", to: &out)
            number(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func field(_ key: StaticString, _ value: Double?, to out: inout [UInt8]) {
        guard let value else { return }
        text(key, to: &out)
        number(value, to: &out)
    }

    private static func text(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func text(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func integer(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            text(String(value), to: &out)
        }
    }

    private static func number(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            text("\"nan\"", to: &out)
        } else if value.isInfinite {
            text(value < 0 ? "\"-inf\"" : "\"inf\"", to: &out)
        } else {
            text(value.description, to: &out)
        }
    }
}
