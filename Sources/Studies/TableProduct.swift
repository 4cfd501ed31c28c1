import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration

/// A small netCDF file of 1-D series over one coordinate (diffusion, fluctuations, modified flow).
enum TableProduct {
    static func write(to destination: String, overwrite: Bool, kind: OutputKind, title: String, configuration: RunConfiguration? = nil,
                      sde: LangevinSDE? = nil, invocation: Invocation, coordinate: (name: String, longName: String, values: [Double]),
                      attributes: [String: AttributeValue], body: (NetCDFFile) throws -> Void) throws {
        let provenance = OutputProvenance.of(title, configuration: configuration, sde: sde, invocation: invocation)
        try OutputFile.write(to: destination, overwrite: overwrite, kind: kind, provenance: provenance) { file in
            for k in NetCDFFile.orderedNames(attributes.keys) { try file.setAttribute(k, attributes[k]!) }
            try file.defineDimension(coordinate.name, coordinates: coordinate.values,
                                     attributes: ["long_name": .text(coordinate.longName), "units": .text("1")])
            try body(file)
        }
    }

    static func series(_ file: NetCDFFile, _ name: String, _ dimension: String, _ longName: String, _ values: [Double]) throws {
        try file.defineVariable(name, dimensions: [dimension], attributes: ["long_name": .text(longName), "units": .text("1")])
        try file.write(name, values: values)
    }
}
