import Foundation
import Testing
@testable import RunexpModel

@Suite struct ModelFolderTests {
    @Test func aFolderWithoutFilesIsRefusedByName() throws {
        let directory = NSTemporaryDirectory() + "runexp-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: ModelError.self) { try ModelFolder.read(directory) }
        do {
            _ = try ModelFolder.read(directory)
        } catch {
            #expect(error.description == "\(directory)/model.json: error: no such file; a model folder holds model.json and model.onnx (made by runexp fit)")
        }
    }
}
