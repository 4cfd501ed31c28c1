import Foundation
import Testing
@testable import PhaseSpaceIO

@Suite("NetCDFFile and NetCDFReader")
struct NetCDFFileTests {
    @Test("Attributes of every kind round-trip exactly")
    func attributes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("attributes.h5")
        let file = try NetCDFFile.create(at: path)
        let values: [(String, AttributeValue)] = [
            ("text", .text("plain ASCII")),
            ("unicode", .text("η = 0.1, β = 0.9, σ²")),
            ("empty_text", .text("")),
            ("multiline", .text("[sgd]\nlearning_rate = 0.1\n")),
            ("double", .double(-1.25e-300)),
            ("doubles", .doubles([1, 2.5, .pi])),
            ("one_double", .doubles([7])),
            ("no_doubles", .doubles([])),
            ("int", .int(-9_007_199_254_740_993)),  // beyond float64's exact integers: stored as int64
            ("small_int", .int(-2_147_483_648)),  // within int32: stored as int32, which netCDF-3 has
        ]
        try file.defineDimension("x", coordinates: [0, 1], attributes: [:])
        for (name, value) in values {
            try file.setAttribute(name, value)
            try file.setAttribute(name, value, on: "x")
        }
        try file.setAttribute("text", .text("replaced"))
        try file.close()
        try file.close()  // idempotent

        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        for (name, value) in values where name != "text" {
            #expect(try reader.attribute(name) == value, "root \(name)")
            #expect(try reader.attribute(name, of: "x") == value, "x.\(name)")
        }
        #expect(try reader.attribute("text") == .text("replaced"))
        #expect(try reader.attributeNames() == values.map(\.0).filter { $0 != "text" } + ["text"],
                "creation order is kept; a replaced attribute moves to the end")
    }

    @Test("Variables: fixed and record, fill value, compression, scalar")
    func variables() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("variables.h5")
        let file = try NetCDFFile.create(at: path)
        try file.defineDimension("x", coordinates: [0, 0.5, 1], attributes: ["units": .text("m")])
        try file.defineDimension("y", coordinates: [-1, 1], attributes: ["units": .text("m")])
        try file.defineTimeDimension(attributes: ["units": .text("s")])
        try file.defineVariable("field", dimensions: ["x", "y"], attributes: ["units": .text("1")], fillValue: -999, compress: true)
        try file.defineVariable("series", dimensions: ["t", "y"], attributes: ["units": .text("1")], compress: true)
        try file.defineVariable("scalar", dimensions: [], attributes: ["units": .text("1")])
        let field = sampleValues(count: 6, seed: 1)
        try file.write("field", values: field)
        try file.write("scalar", values: [42.5])
        #expect(throws: PhaseSpaceIOError.self) { try file.writeRecord("series", index: 0, values: [1, 2]) }  // no time yet
        try file.appendTime(0)
        try file.appendTime(0.5)
        try file.writeRecord("series", index: 1, values: [3, 4])  // leaves record 0 at the fill value
        try file.writeRecord("series", index: 0, values: [1, 2])
        #expect(throws: PhaseSpaceIOError.self) { try file.writeRecord("series", index: 0, values: [1, 2, 3]) }
        #expect(throws: PhaseSpaceIOError.self) { try file.write("field", values: [1]) }
        #expect(throws: PhaseSpaceIOError.self) { try file.write("series", values: [1, 2]) }
        #expect(throws: PhaseSpaceIOError.self) {
            try file.defineVariable("bad", dimensions: ["y", "t"], attributes: [:])
        }
        #expect(throws: PhaseSpaceIOError.self) {
            try file.defineVariable("bad", dimensions: ["z"], attributes: [:])
        }
        #expect(throws: PhaseSpaceIOError.self) {
            try file.defineVariable("bad", dimensions: ["x", "x"], attributes: [:])
        }
        #expect(throws: PhaseSpaceIOError.self) {
            try file.defineVariable("field", dimensions: ["x"], attributes: [:])
        }
        try file.flush()
        try file.close()
        #expect(throws: PhaseSpaceIOError.self) { try file.appendTime(1) }

        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(reader.variableNames == ["x", "y", "t", "field", "series", "scalar"], "creation order")
        #expect(try reader.read("field") == field)
        #expect(try reader.read("series") == [1, 2, 3, 4])
        #expect(try reader.read("t") == [0, 0.5])
        #expect(try reader.read("scalar") == [42.5])
        #expect(try reader.shape(of: "scalar") == [])
        #expect(try reader.dimensions(of: "series") == ["t", "y"])
        #expect(try reader.attribute("_FillValue", of: "field") == .doubles([-999]))
        #expect(try reader.readRecord("series", index: 1) == [3, 4])
        #expect(throws: PhaseSpaceIOError.self) { try reader.readRecord("series", index: 2) }
        let missing = #expect(throws: PhaseSpaceIOError.self) { try reader.read("nothing") }
        #expect(missing?.kind == .notFound)
        #expect(missing?.description.contains("series") == true, "the message lists what is there")
    }

    @Test("Record chunks: one record per chunk for fields, many for small records, capped in size")
    func chunks() {
        #expect(NetCDFFile.chunkShape(for: [0], timeDependent: true) == [512])
        #expect(NetCDFFile.chunkShape(for: [0, 4], timeDependent: true) == [512, 4])
        #expect(NetCDFFile.chunkShape(for: [0, 64, 64], timeDependent: true) == [2, 64, 64])
        #expect(NetCDFFile.chunkShape(for: [0, 256, 256], timeDependent: true) == [1, 256, 256])
        #expect(NetCDFFile.chunkShape(for: [0, 128, 128, 128, 128], timeDependent: true) == [1, 4, 128, 128, 128])
        #expect(NetCDFFile.chunkShape(for: [10, 10], timeDependent: false) == [10, 10])
    }

    @Test("create never replaces an existing file")
    func exclusiveCreate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("exists.h5")
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
        let error = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.create(at: path) }
        #expect(error?.kind == .fileExists)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        let nowhere = #expect(throws: PhaseSpaceIOError.self) { try NetCDFFile.create(at: directory.file("no/such/dir.h5")) }
        #expect(nowhere?.kind == .notFound)
    }

    @Test("Reading a file that is not HDF5 says so in one sentence")
    func notHDF5() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("notes.h5")
        try "this is text, not HDF5\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: PhaseSpaceIOError.self) { try NetCDFReader(path: path) }
        #expect(error?.kind == .notHDF5)
        #expect(error?.description == "File \(path) is not an HDF5 (netCDF-4) file; pass an .h5 file written by sgdfp.")
        let missing = #expect(throws: PhaseSpaceIOError.self) { try NetCDFReader(path: directory.file("absent.h5")) }
        #expect(missing?.kind == .notFound)
        #expect(throws: PhaseSpaceIOError.self) { try NetCDFReader(path: directory.path) }
    }
}
