import Testing
import RunConfiguration

@Suite("renderTOML round trip")
struct RoundTripTests {
    /// A configuration that sets every optional key and uses awkward values.
    static let everything = RunConfiguration(
        sgd: SGDSection(learningRate: 0.05, momentum: 0.99, batchSize: 8, weightDecay: 1e-4, datasetSize: 1000),
        loss: LossSection(hessian: [[1.625, 0.649519052838329], [0.649519052838329, 0.875]], minimum: [1.0, -0.5]),
        noise: NoiseSection(model: .matrix, scale: 0.1 + 0.2, matrix: [[1.0, 0.0], [0.0, 0.2]], labelNoise: 2.5),
        initial: InitialSection(
            kind: .mixture, mean: [1, 2, 3, 4], covariance: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
            weights: [0.3, 0.7], means: [[1, 0, 0, 0], [0, 1, 0, 0]],
            covariances: [
                [[0.1, 0, 0, 0], [0, 0.1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                [[0.2, 0.01, 0, 0], [0.01, 0.2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]],
            ],
            file: "runs/\"quoted\" \\ path\twith tab\nnewline é.h5"),
        grid: GridSection(points: [32, 32, 24, 24], box: .halfWidths([1.5, 1.5, 6, 4.5]), threads: 2, wisdom: .file("/tmp/w.wisdom"),
                          frame: .adapted, framePoints: 48, frameBox: 8.5),
        time: TimeSection(stop: 1e300, outputEvery: 1.0 / 3.0, tolerance: 1e-12, scheme: "exact-shear", step: 2.5e-3),
        output: OutputSection(path: "out.h5", fullDensity: .on, keepInaccurate: true))

    @Test("the built-in example survives render and parse")
    func builtIn() throws {
        let text = RunConfiguration.builtInExample.renderTOML()
        #expect(try parseTOML(text) == RunConfiguration.builtInExample)
    }

    @Test("every optional key and awkward strings and numbers survive render and parse")
    func everythingSet() throws {
        let text = Self.everything.renderTOML()
        let back = try parseTOML(text)
        #expect(back == Self.everything)
        #expect(try back.validated() == back)
    }

    @Test("each setting of box, wisdom and full_density survives")
    func enumSettings() throws {
        for wisdom in [WisdomSetting.defaultLocation, .disabled, .file("w")] {
            for density in [Toggle.auto, .on, .off] {
                var c = RunConfiguration.builtInExample
                c.grid.wisdom = wisdom
                c.output.fullDensity = density
                c.grid.box = .halfWidths([5, 16])
                #expect(try parseTOML(c.renderTOML()) == c)
            }
        }
    }

    @Test("the rendering names every key, absent optional ones as comments")
    func everyKeyRendered() {
        let text = RunConfiguration.builtInExample.renderTOML()
        for key in RunConfiguration.keyCatalog {
            #expect(text.contains("\n\(key.name) = ") || text.contains("\n# \(key.name) is absent"), "missing \(key.path)")
        }
        for section in RunConfiguration.sectionNames {
            #expect(text.contains("[\(section)]\n"))
        }
    }
}
