import Testing
import RunConfiguration

@Suite("Shortcuts for scalars, diagonals and integers")
struct ShortcutTests {
    @Test("a number is a 1×1 Hessian and a length-1 minimum")
    func scalars() throws {
        let c = try parseTOML("[loss]\nhessian = 2\nminimum = 1.5\n").validated()
        #expect(c.loss.hessian == [[2.0]])
        #expect(c.loss.minimum == [1.5])
        #expect(c.initial.mean == [3.5, 0.0])
    }

    @Test("a flat list is a diagonal matrix")
    func diagonals() throws {
        let c = try parseTOML("""
            [loss]
            hessian = [2.0, 0.5]
            [noise]
            model = "matrix"
            matrix = [1.0, 0.2]
            [initial]
            covariance = [0.1, 0.2, 1.0, 2.0]
            """).validated()
        #expect(c.loss.hessian == [[2.0, 0.0], [0.0, 0.5]])
        #expect(c.noise.matrix == [[1.0, 0.0], [0.0, 0.2]])
        #expect(c.initial.covariance == [[0.1, 0, 0, 0], [0, 0.2, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 2.0]])
        let m = try parseTOML("""
            [initial]
            kind = "mixture"
            means = [[1.0, 0.0], [-1.0, 0.0]]
            covariances = [[0.1, 1.0], [[0.2, 0.1], [0.1, 0.5]]]
            """).validated()
        #expect(m.initial.covariances == [[[0.1, 0.0], [0.0, 1.0]], [[0.2, 0.1], [0.1, 0.5]]])
    }

    @Test("integral floats are accepted where integers are meant, integers where numbers are meant")
    func integers() throws {
        let c = try parseTOML("""
            [sgd]
            learning_rate = 1
            batch_size = 8.0
            dataset_size = 1e3
            [grid]
            points = [64.0, 32]
            threads = 2.0
            [time]
            stop = 20
            """).validated()
        #expect(c.sgd.learningRate == 1.0)
        #expect(c.sgd.batchSize == 8)
        #expect(c.sgd.datasetSize == 1000)
        #expect(c.grid.points == [64, 32])
        #expect(c.grid.threads == 2)
        #expect(c.time.stop == 20.0)
    }

    @Test("one points value covers every axis")
    func points() throws {
        let c = try parseTOML("[grid]\npoints = 48\n")
        #expect(c.grid.points == [48])
        #expect(c.grid.points(axes: 2) == [48, 48])
        #expect(c.renderTOML().contains("\npoints = 48\n"))
    }
}
