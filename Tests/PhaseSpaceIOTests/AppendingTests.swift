import Foundation
import Testing
@testable import PhaseSpaceIO
#if canImport(Glibc)
import Glibc
#endif

/// Adding to existing files with `NetCDFFile.openForAppending`: what was there stays bit for bit, and the
/// additions use the existing dimensions.
@Suite("NetCDFFile.openForAppending")
struct AppendingTests {
    static let ncdumpInstalled = executablePath("ncdump") != nil
    static let ncgenInstalled = executablePath("ncgen") != nil && ncdumpInstalled

    /// Everything a reader sees of one variable.
    struct VariableSnapshot: Equatable {
        let dimensions: [String]
        let shape: [Int]
        let values: [Double]
        let attributes: [String]
        let attributeValues: [AttributeValue?]
    }

    /// Everything a reader sees of a file, for comparing before and after appending.
    struct FileSnapshot {
        let variableNames: [String]
        let variables: [String: VariableSnapshot]
        let rootAttributes: [String]
        let rootAttributeValues: [AttributeValue?]
        let dimensionIDs: [String: Int]

        init(path: String) throws {
            let reader = try NetCDFReader(path: path)
            defer { reader.close() }
            variableNames = reader.variableNames
            var variables: [String: VariableSnapshot] = [:]
            var dimensionIDs: [String: Int] = [:]
            for name in reader.variableNames {
                let attributes = try reader.attributeNames(of: name)
                variables[name] = VariableSnapshot(
                    dimensions: try reader.dimensions(of: name), shape: try reader.shape(of: name), values: try reader.read(name),
                    attributes: attributes, attributeValues: try attributes.map { try reader.attribute($0, of: name) })
                if case .int(let id)? = try reader.attribute("_Netcdf4Dimid", of: name) { dimensionIDs[name] = id }
            }
            self.variables = variables
            self.dimensionIDs = dimensionIDs
            rootAttributes = try reader.attributeNames()
            rootAttributeValues = try rootAttributes.map { try reader.attribute($0) }
        }
    }

    /// What `appendSample` adds to a run file.
    struct Additions {
        let axes: [String]
        let spread: [Double]
        let coupling: [Double]
        let weights: [Double]
    }

    /// Adds an index dimension `mode`, a variable over the phase-space axes, one over the two component
    /// dimensions, one over the new and an existing dimension, and a root attribute.
    static func appendSample(to path: String, run: SampleRun) throws -> Additions {
        let axes = run.layout.axes.map(\.name)
        let n = axes.count
        let points = run.layout.axes.map(\.values.count).reduce(1, *)
        let additions = Additions(axes: axes, spread: sampleValues(count: points, seed: 7), coupling: sampleValues(count: n * n, seed: 8),
                                  weights: sampleValues(count: 3 * n, seed: 9))
        let file = try NetCDFFile.openForAppending(at: path)
        try file.defineIndexDimension("mode", labels: ["slow", "fast", "mixed"])
        try file.defineVariable("spread", dimensions: axes, attributes: ["long_name": .text("spread"), "units": .text("1")])
        try file.defineVariable("coupling", dimensions: ["component", "component_b"],
                                attributes: ["long_name": .text("coupling matrix"), "units": .text("1")])
        try file.defineVariable("mode_weight", dimensions: ["mode", "component"], attributes: ["units": .text("1")], compress: true)
        try file.write("spread", values: additions.spread)
        try file.write("coupling", values: additions.coupling)
        try file.write("mode_weight", values: additions.weights)
        try file.setAttribute("appended_by", .text("AppendingTests"))
        try file.close()
        return additions
    }

    @Test("A run file reopened for appending keeps its variables and gains new ones over its dimensions", arguments: [1, 2])
    func appendToRunFile(d: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: d)
        let path = directory.file("run.h5")
        try run.write(to: path)
        let before = try FileSnapshot(path: path)

        let file = try NetCDFFile.openForAppending(at: path)
        #expect(file.variableNames == before.variableNames, "existing datasets are registered in creation order")
        #expect(file.timeRecordCount == run.frames.count)
        #expect(try file.dimensions(of: "density") == ["t"] + run.layout.axes.map(\.name))
        #expect(try file.dimensions(of: "component_b") == ["component_b"])
        try file.close()

        let additions = try Self.appendSample(to: path, run: run)
        let after = try FileSnapshot(path: path)
        #expect(after.variableNames == before.variableNames + ["mode", "spread", "coupling", "mode_weight"])
        for name in before.variableNames {
            #expect(after.variables[name] == before.variables[name], "\(name) is unchanged")
        }
        #expect(after.rootAttributes == before.rootAttributes + ["appended_by"])
        #expect(Array(after.rootAttributeValues.prefix(before.rootAttributes.count)) == before.rootAttributeValues)
        #expect(after.rootAttributeValues.last == .text("AppendingTests"))
        #expect(after.dimensionIDs["mode"] == before.dimensionIDs.values.max()! + 1, "netCDF dimension ids continue")

        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(try reader.dimensions(of: "spread") == additions.axes)
        #expect(try reader.read("spread") == additions.spread)
        #expect(try reader.dimensions(of: "coupling") == ["component", "component_b"])
        #expect(try reader.read("coupling") == additions.coupling)
        #expect(try reader.dimensions(of: "mode_weight") == ["mode", "component"])
        #expect(try reader.read("mode_weight") == additions.weights)
        #expect(try reader.indexLabels(of: "mode") == ["slow", "fast", "mixed"])
        #expect(try reader.attribute("long_name", of: "coupling") == .text("coupling matrix"))
    }

    @Test("Attributes of existing variables can be added, and time records continue after the existing ones")
    func existingVariablesAndRecords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: 1)
        let path = directory.file("run.h5")
        try run.write(to: path)
        let before = try FileSnapshot(path: path)

        let file = try NetCDFFile.openForAppending(at: path)
        try file.setAttribute("comment", .text("checked by hand"), on: "mass")
        try file.defineVariable("energy", dimensions: ["t"], attributes: ["units": .text("1")])
        for index in 0..<file.timeRecordCount { try file.writeRecord("energy", index: index, values: [Double(index) + 0.5]) }
        try file.appendTime(9.75)
        try file.writeRecord("mass", index: run.frames.count, values: [0.5])
        try file.writeRecord("energy", index: run.frames.count, values: [-1])
        try file.close()

        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(try reader.attributeNames(of: "mass") == before.variables["mass"]!.attributes + ["comment"])
        #expect(try reader.attribute("comment", of: "mass") == .text("checked by hand"))
        #expect(try reader.read("t") == run.frames.map(\.time) + [9.75])
        #expect(try reader.read("mass") == run.frames.map(\.mass) + [0.5])
        #expect(try reader.read("energy") == [0.5, 1.5, 2.5, -1])
        #expect(try reader.dimensions(of: "energy") == ["t"])
        #expect(try reader.read("density") == before.variables["density"]!.values, "records not written stay as they were")
    }

    @Test("ncdump reads an appended run file, also after appending twice", .enabled(if: ncdumpInstalled), arguments: [1, 2])
    func ncdumpReadsAppendedFile(d: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = SampleRun.make(d: d)
        let path = directory.file("run.h5")
        try run.write(to: path)
        _ = try Self.appendSample(to: path, run: run)
        let again = try NetCDFFile.openForAppending(at: path)
        try again.defineDimension("lag", coordinates: [0, 1, 2, 4], attributes: ["units": .text("1")])
        try again.defineVariable("autocorrelation", dimensions: ["lag", "mode"], attributes: ["units": .text("1")])
        try again.write("autocorrelation", values: sampleValues(count: 12, seed: 3))
        try again.close()

        let header = try PhaseSpaceIOTests.run(executablePath("ncdump")!, ["-h", path], in: directory)
        #expect(header.status == 0, "ncdump -h failed: \(header.error)")
        let axes = run.layout.axes.map(\.name).joined(separator: ", ")
        for line in ["mode = 3 ;", "lag = 4 ;", "t = UNLIMITED ; // (3 currently)", "int mode(mode) ;", "double lag(lag) ;",
                     "double spread(\(axes)) ;", "double coupling(component, component_b) ;", "double mode_weight(mode, component) ;",
                     "double autocorrelation(lag, mode) ;", "double density(t, \(axes)) ;", ":appended_by = \"AppendingTests\" ;"] {
            #expect(header.output.contains(line), "ncdump -h lacks \"\(line)\":\n\(header.output)")
        }
        #expect(!header.output.contains("phony_dim"))
        let data = try PhaseSpaceIOTests.run(executablePath("ncdump")!, [path], in: directory)
        #expect(data.status == 0, "ncdump (with data) failed: \(data.error)")
    }

    @Test("A file written by the netCDF library takes new variables over its dimensions", .enabled(if: ncgenInstalled))
    func netCDFWrittenFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cdl = directory.file("small.cdl")
        let path = directory.file("small.nc")
        // `pair` is a dimension without a coordinate variable, which netCDF stores in its own way.
        try """
        netcdf small {
        dimensions:
            x = 3 ;
            pair = 2 ;
            t = UNLIMITED ;
        variables:
            double x(x) ;
                x:units = "m" ;
            double t(t) ;
            double field(t, x, pair) ;
                field:units = "1" ;
        data:
            x = 0, 0.5, 1 ;
            t = 0, 1 ;
            field = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 ;
        }

        """.write(toFile: cdl, atomically: true, encoding: .utf8)
        let generated = try PhaseSpaceIOTests.run(executablePath("ncgen")!, ["-k", "nc4", "-o", path, cdl], in: directory)
        try #require(generated.status == 0, "ncgen failed: \(generated.error)")

        let file = try NetCDFFile.openForAppending(at: path)
        #expect(file.timeRecordCount == 2)
        #expect(try file.dimensions(of: "field") == ["t", "x", "pair"])
        try file.defineDimension("y", coordinates: [-1, 1], attributes: ["units": .text("m")])
        try file.defineVariable("grid", dimensions: ["y", "x", "pair"], attributes: ["units": .text("1")])
        try file.write("grid", values: (0..<12).map(Double.init))
        try file.close()

        let header = try PhaseSpaceIOTests.run(executablePath("ncdump")!, ["-h", path], in: directory)
        #expect(header.status == 0, "ncdump -h failed: \(header.error)")
        for line in ["y = 2 ;", "double grid(y, x, pair) ;", "double field(t, x, pair) ;", "pair = 2 ;"] {
            #expect(header.output.contains(line), "ncdump -h lacks \"\(line)\":\n\(header.output)")
        }
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(try reader.read("field") == (1...12).map(Double.init))
        #expect(try reader.read("grid") == (0..<12).map(Double.init))
        #expect(try reader.dimensions(of: "grid") == ["y", "x", "pair"])
    }

    @Test("Files written by xarray, and appended run files, open in xarray and take more variables in netCDF4",
          .enabled(if: InteroperabilityTests.python != nil), arguments: ["netcdf4", "h5netcdf", "sgdfp"])
    func pythonReaders(writer: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let python = InteroperabilityTests.python!
        let path = directory.file("data.nc")
        let write = """
        import sys, numpy as np, xarray as xr
        ds = xr.Dataset({"field": (("t", "x"), np.arange(6.0).reshape(2, 3), {"units": "1"})},
                        coords={"t": [0.0, 1.0], "x": [0.0, 0.5, 1.0]}, attrs={"title": "from xarray"})
        ds.to_netcdf(sys.argv[1], engine=sys.argv[2], unlimited_dims=["t"])
        """
        let (added, dims, existing, dimension): (String, String, String, String)
        if writer == "sgdfp" {
            let run = SampleRun.make(d: 1)
            try run.write(to: path)
            _ = try Self.appendSample(to: path, run: run)
            (added, dims, existing, dimension) = ("coupling", "('component', 'component_b')", "mass", "mode")
        } else {
            let written = try PhaseSpaceIOTests.run(python, ["-c", write, path, writer], in: directory)
            try #require(written.status == 0, "xarray could not write: \(written.error)")
            let file = try NetCDFFile.openForAppending(at: path)
            #expect(file.timeRecordCount == 2)
            try file.defineDimension("y", coordinates: [-1, 1], attributes: ["units": .text("m")])
            try file.defineVariable("grid", dimensions: ["y", "x"], attributes: ["units": .text("1")])
            try file.write("grid", values: (0..<6).map(Double.init))
            try file.setAttribute("appended_by", .text("AppendingTests"))
            try file.close()
            (added, dims, existing, dimension) = ("grid", "('y', 'x')", "field", "y")
        }
        let check = """
        import sys, netCDF4, xarray as xr
        path, added, dims, existing, dimension = sys.argv[1:]
        for engine in ("netcdf4", "h5netcdf"):
            with xr.open_dataset(path, engine=engine) as ds:
                assert str(ds[added].dims) == dims, (engine, ds[added].dims)
                assert existing in ds and dimension in ds.coords, (engine, list(ds.variables))
                assert ds.attrs["appended_by"] == "AppendingTests", (engine, ds.attrs)
        with netCDF4.Dataset(path, "a") as nc:
            nc.createVariable("later", "f8", (dimension,))[:] = range(len(nc.dimensions[dimension]))
        with xr.open_dataset(path, engine="netcdf4") as ds:
            assert ds["later"].dims == (dimension,) and ds[added].dims == eval(dims), list(ds.variables)
        """
        let result = try PhaseSpaceIOTests.run(python, ["-c", check, path, added, dims, existing, dimension], in: directory)
        #expect(result.status == 0, "python check failed:\n\(result.error)\(result.output)")
        if writer != "sgdfp" {
            let reader = try NetCDFReader(path: path)
            defer { reader.close() }
            #expect(try reader.read("field") == (0..<6).map(Double.init))
            #expect(try reader.read("grid") == (0..<6).map(Double.init))
        }
    }

    @Test("Names that already exist are refused and the file is left as it was")
    func existingNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("run.h5")
        try SampleRun.make(d: 1).write(to: path)
        let before = try FileSnapshot(path: path)

        let file = try NetCDFFile.openForAppending(at: path)
        let variable = #expect(throws: PhaseSpaceIOError.self) {
            try file.defineVariable("density", dimensions: ["theta", "v"], attributes: [:])
        }
        #expect(variable?.kind == .invalidArgument)
        #expect(variable?.description == "Variable or dimension density is already defined in \(path); use another name.")
        #expect(throws: PhaseSpaceIOError.self) { try file.defineDimension("theta", coordinates: [0], attributes: [:]) }
        #expect(throws: PhaseSpaceIOError.self) { try file.defineIndexDimension("component", labels: ["a"]) }
        #expect(throws: PhaseSpaceIOError.self) { try file.defineTimeDimension(attributes: [:]) }
        #expect(throws: PhaseSpaceIOError.self) { try file.defineVariable("new", dimensions: ["theta", "nowhere"], attributes: [:]) }
        try file.close()

        let after = try FileSnapshot(path: path)
        #expect(after.variableNames == before.variableNames)
        #expect(after.variables == before.variables)
    }

    @Test("Missing files, directories and text files fail with one clear sentence")
    func failures() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missingPath = directory.file("absent.h5")
        let missing = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.openForAppending(at: missingPath) }
        #expect(missing?.kind == .notFound)
        #expect(missing?.description == "File \(missingPath) does not exist; check the path, or make a new file with NetCDFFile.create.")
        #expect(!FileManager.default.fileExists(atPath: missingPath), "nothing is created")

        let folder = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.openForAppending(at: directory.path) }
        #expect(folder?.kind == .invalidArgument)

        let textPath = directory.file("notes.h5")
        try "this is text, not HDF5\n".write(toFile: textPath, atomically: true, encoding: .utf8)
        let text = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.openForAppending(at: textPath) }
        #expect(text?.kind == .notHDF5)
        #expect(text?.description == "File \(textPath) is not an HDF5 (netCDF-4) file; pass an .h5 file written by sgdfp or netCDF.")
        #expect(try String(contentsOfFile: textPath, encoding: .utf8) == "this is text, not HDF5\n")
    }

    @Test("A file locked by another writer is refused",
          .enabled(if: ProcessInfo.processInfo.environment["HDF5_USE_FILE_LOCKING"]?.uppercased() != "FALSE"))
    func lockedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("run.h5")
        try SampleRun.make(d: 1).write(to: path)
        // HDF5 takes an exclusive flock on files it opens for writing; hold one as another writer would.
        let descriptor = open(path, O_RDWR)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX) == 0)
        let error = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.openForAppending(at: path) }
        #expect(error?.kind == .notWritable)
        #expect(error?.description.contains("close any program that has it open") == true, "\(String(describing: error))")
    }
}
