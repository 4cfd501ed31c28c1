import Foundation
import Testing
@testable import PhaseSpaceIO

@Suite("Run files: RunOutputWriter, NetCDFReader and RunOutputReader")
struct RunOutputTests {
    @Test("A run file reads back exactly what was written", arguments: [1, 2])
    func roundTrip(d: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: d)
        let path = directory.file("run.h5")
        try run.write(to: path)

        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        let expected = run.expectedVariables
        #expect(Set(reader.variableNames) == Set(expected.map(\.name)))
        for variable in expected {
            #expect(try reader.dimensions(of: variable.name) == variable.dims, "dimensions of \(variable.name)")
            // Exact equality: float64 is stored and read back without conversion.
            #expect(try reader.read(variable.name) == variable.values, "values of \(variable.name)")
            #expect(try reader.attribute("units", of: variable.name)?.text != nil, "\(variable.name) has units")
            #expect(try reader.attribute("long_name", of: variable.name)?.text != nil, "\(variable.name) has long_name")
        }
        #expect(try reader.shape(of: "density") == [3] + run.layout.axes.map(\.values.count))
        #expect(try reader.readRecord("density", index: 1) == run.frames[1].density)
        #expect(try reader.readRecord("covariance", index: 2) == run.frames[2].covariance)
        #expect(try reader.isRecordVariable("mass"))
        #expect(try !reader.isRecordVariable(run.layout.axes[0].name))
        #expect(try reader.indexLabels(of: "component") == run.layout.axes.map(\.name))
        #expect(try reader.indexLabels(of: "component_b") == run.layout.axes.map(\.name))

        #expect(try reader.attribute("Conventions") == .text("CF-1.10"))
        #expect(try reader.attribute("title") == .text(SampleRun.title))
        #expect(try reader.attribute("learning_rate") == .double(0.1))
        #expect(try reader.attribute("hessian") == .doubles([1.0, 0.5, 0.5, 2.0]))
        #expect(try reader.attribute("seed") == .int(42))
        #expect(try reader.attribute("status") == .text("finished"))
        #expect(try reader.attribute("hdf5_version")?.text?.hasPrefix("1.") == true)
        #expect(try reader.attribute("no_such_attribute") == nil)
        let rootNames = try reader.attributeNames()
        #expect(rootNames.first == "Conventions")
        #expect(rootNames.last == "wall_time_seconds", "summary attributes come last, in creation order")
        #expect(try reader.attributeNames(of: "theta\(d == 1 ? "" : "1")") == ["long_name", "units"],
                "dimension-scale bookkeeping (CLASS, NAME, _Netcdf4Dimid ...) is hidden")
        #expect(try reader.attribute("long_name", of: "t") == .text("time t"))
        #expect(try reader.attribute("description", of: "t") == .text("t = learning_rate * step (dimensionless)"))
    }

    @Test("d = 2 writes the six marginals in axis order")
    func marginalNames() throws {
        let run = SampleRun.make(d: 2)
        #expect(run.layout.marginalKeys == ["theta1_theta2", "theta1_v1", "theta1_v2", "theta2_v1", "theta2_v2", "v1_v2"])
        #expect(SampleRun.make(d: 1).layout.marginalKeys.isEmpty)
    }

    @Test("lastFrame returns the axes, last time and last density")
    func lastFrame() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for d in [1, 2] {
            let run = SampleRun.make(d: d)
            let path = directory.file("run\(d).h5")
            try run.write(to: path)
            let last = try RunOutputReader.lastFrame(path: path)
            #expect(last.axes == run.layout.axes)
            #expect(last.time == run.frames.last!.time)
            #expect(last.density == run.frames.last!.density)
        }
    }

    @Test("A partial file: records count as complete only when every variable has them; resuming drops the rest and appends after them")
    func partialRecordsAndResuming() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: 1, frames: 4)
        let path = directory.file("run.h5")
        try run.write(to: path)
        // A writer killed inside its fifth record: the time value and the mass of record 4 are there, the rest not.
        let file = try NetCDFFile.openForAppending(at: path)
        try file.appendTime(9.0)
        try file.writeRecord(RunVariable.mass, index: 4, values: [1.0])
        try file.close()
        let partial = try PartialRun(path: path)
        #expect(partial.times == run.frames.map(\.time))
        #expect(partial.density == run.frames.last!.density)
        #expect(partial.means == run.frames.map(\.mean) && partial.exactMeans! == run.frames.map(\.exactMean))
        #expect(partial.configuration == "[sgd]\nlearning_rate = 0.1\nmomentum = 0.9\n")
        // Resuming after record 2 of 4 drops records 3 and 4 and writes the next one as record 3.
        let appended = try NetCDFFile.openForAppending(at: path)
        let writer = try RunOutputWriter(resuming: appended, layout: run.layout, records: 3)
        let f = run.frames[0]
        try f.density.withUnsafeBufferPointer { density in
            try f.exactDensity.withUnsafeBufferPointer { exact in
                try writer.append(RunFrame(time: 7.5, mass: 1, minDensity: 0, negativeMass: 0, stepSize: 0.1, mean: f.mean, covariance: f.covariance,
                                           density: density, marginals: [:], exactDensity: exact, exactMean: f.exactMean, exactCovariance: f.exactCovariance))
            }
        }
        try writer.close()
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(try reader.read(RunVariable.time) == run.frames.prefix(3).map(\.time) + [7.5])
        for name in reader.variableNames where try reader.isRecordVariable(name) { #expect(try reader.shape(of: name)[0] == 4, "\(name)") }
        #expect(try reader.readRecord(RunVariable.density, index: 3) == f.density)
    }

    @Test("lastFrame explains a file written without the full density")
    func lastFrameWithoutDensity() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("marginals-only.h5")
        try SampleRun.make(d: 2, fullDensity: false).write(to: path)
        let reader = try NetCDFReader(path: path)
        #expect(!reader.hasVariable("density") && !reader.hasVariable("exact_density"))
        #expect(reader.hasVariable("density_theta1_v2") && reader.hasVariable("exact_density_v1_v2"))
        reader.close()
        let error = #expect(throws: PhaseSpaceIOError.self) { try RunOutputReader.lastFrame(path: path) }
        #expect(error?.kind == .notRunFile)
        #expect(error?.description.contains("was written without the full density; rerun it with [output] full_density = true") == true)
    }

    @Test("lastFrame refuses an HDF5 file that is not a run file")
    func lastFrameOfOtherFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("other.h5")
        let file = try NetCDFFile.create(at: path)
        try file.defineDimension("x", coordinates: [1, 2, 3], attributes: ["units": .text("m")])
        try file.close()
        let error = #expect(throws: PhaseSpaceIOError.self) { try RunOutputReader.lastFrame(path: path) }
        #expect(error?.kind == .notRunFile)
        #expect(error?.description.contains("is not an sgdfp run file") == true)
    }

    @Test("A frame with missing or mis-sized data is rejected before anything is written")
    func badFrames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: 2, exact: false)
        let writer = try RunOutputWriter(path: directory.file("bad.h5"), layout: run.layout)
        defer { try? writer.close() }
        let f = run.frames[0]
        try f.density.withUnsafeBufferPointer { density in
            let noMarginals = RunFrame(time: 0, mass: 1, minDensity: 0, negativeMass: 0, stepSize: 0.1,
                                       mean: f.mean, covariance: f.covariance, density: density)
            #expect(throws: PhaseSpaceIOError.self) { try writer.append(noMarginals) }
            var shortMean = noMarginals
            shortMean.marginals = f.marginals
            shortMean.mean = [1, 2]
            #expect(throws: PhaseSpaceIOError.self) { try writer.append(shortMean) }
            var typo = shortMean
            typo.mean = f.mean
            typo.marginals["theta1_v3"] = [1]
            let error = #expect(throws: PhaseSpaceIOError.self) { try writer.append(typo) }
            #expect(error?.description.contains("theta1_v3") == true)
            typo.marginals["theta1_v3"] = nil
            try writer.append(typo)
        }
        #expect(writer.frameCount == 1)
        #expect(writer.file.timeRecordCount == 1)
    }

    @Test("A layout needs 2 or 4 distinct axes")
    func badLayouts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let axis = PhaseSpaceAxis(name: "theta", longName: "theta", units: "1", values: [0, 1])
        #expect(throws: PhaseSpaceIOError.self) {
            try RunOutputWriter(path: directory.file("a.h5"), layout: RunOutputLayout(axes: [axis, axis, axis]))
        }
        #expect(throws: PhaseSpaceIOError.self) {
            try RunOutputWriter(path: directory.file("b.h5"), layout: RunOutputLayout(axes: [axis, axis]))
        }
        #expect(directory.contents().isEmpty, "a rejected layout creates no file")
    }

    @Test("Analysis fields can be added beside the standard layout")
    func extraField() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: 1, frames: 1)
        let path = directory.file("fields.h5")
        let writer = try RunOutputWriter(path: path, layout: run.layout)
        let values = sampleValues(count: 30, seed: 3)
        try writer.writeField("stationary_density", dimensions: ["theta", "v"], values: values,
                              longName: "stationary density", units: "1")
        try writer.close()
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(try reader.read("stationary_density") == values)
        #expect(try reader.dimensions(of: "stationary_density") == ["theta", "v"])
    }

    @Test("Units of densities are reciprocal to the axes' units")
    func densityUnits() {
        #expect(RunOutputWriter.inverseUnits(["1", "1"]) == "1")
        #expect(RunOutputWriter.inverseUnits(["m", "1"]) == "m-1")
        #expect(RunOutputWriter.inverseUnits(["m", "m/s"]) == "m-1 (m/s)-1")
    }
}
