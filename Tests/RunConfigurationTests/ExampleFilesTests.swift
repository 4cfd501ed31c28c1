import Foundation
import Testing
import RunConfiguration

/// The run files shipped in notebooks-data/, found from this source file's location (symlinks resolved, so that
/// scratch packages that link the test folder find the repository's files).
private let exampleDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("notebooks-data")

private func exampleFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: exampleDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".toml") || $0.hasSuffix(".json") }.sorted()
}

@Suite("Example run files in notebooks-data")
struct ExampleFilesTests {
    @Test("the expected example files are there")
    func present() {
        let names = Set(exampleFiles())
        for name in ["P1", "P2", "P3", "P4", "P5", "P6", "M1", "mixture-2d"] {
            #expect(names.contains("\(name).toml"), "\(name).toml missing from \(exampleDirectory.path)")
        }
    }

    @Test("every example file parses, validates and round-trips", arguments: exampleFiles())
    func parsesAndValidates(name: String) throws {
        let path = exampleDirectory.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# "), "the first line should say what the file is")
        let c = try RunConfiguration.load(path: path).validated()
        #expect(try parseTOML(c.renderTOML()) == c)
    }

    @Test("the parameter sets match physics.md §9.0")
    func parameterSets() throws {
        func load(_ name: String) throws -> RunConfiguration {
            try RunConfiguration.load(path: exampleDirectory.appendingPathComponent("\(name).toml").path)
        }
        let p1 = try load("P1")
        #expect(p1.sgd == RunConfiguration.builtInExample.sgd)
        #expect(p1.loss == RunConfiguration.builtInExample.loss)
        let p2 = try load("P2")
        #expect(p2.sgd == SGDSection(learningRate: 0.1, momentum: 0, batchSize: 2, weightDecay: 0.5))
        #expect(p2.loss == LossSection(hessian: [[2]], minimum: [1]))
        for name in ["P3", "P4", "P5", "P6"] {
            let c = try load(name)
            #expect(c.parameterDimension == 2)
            #expect(c.sgd == SGDSection(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: name == "P6" ? 0.05 : 0.1))
            #expect(c.grid.points == [32])
            #expect(c.grid.box == .auto)
        }
        #expect(try load("P4").noise == NoiseSection(model: .matrix, matrix: [[1, 0], [0, 0.2]]))
        #expect(try load("P5").noise == NoiseSection(model: .isotropic, scale: 0.5))
        let m1 = try load("M1")
        #expect(m1.noise.model == .lossHessian && m1.noise.labelNoise == 1.0)
        #expect(m1.sgd.batchSize == 4 && m1.time.stop == 40)
        let mixture = try load("mixture-2d")
        #expect(mixture.initial.kind == .mixture && mixture.initial.components.count == 2)
    }
}
