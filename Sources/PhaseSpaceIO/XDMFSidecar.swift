import Foundation

/// An XDMF 2 description (`<name>.xmf`) of the 2-D fields in an sgdfp file, so that ParaView (Xdmf reader)
/// opens a run with one click. It is derived from the finished HDF5 file alone: every variable whose last two
/// dimensions are two phase-space axes becomes an attribute of that plane's rectilinear mesh (the density for
/// d = 1, the 2-D marginals for d = 2, the θ-plane fields of the analysis), variables over `t` become a
/// temporal collection, and current components become a vector attribute. The fast (second) axis is X.
public enum XDMFSidecar {
    /// The first line after the XML declaration: marks a sidecar that sgdfp may replace.
    public static let marker = "<!-- sgdfp XDMF sidecar: regenerated with its HDF5 file; edits are lost -->"

    /// `run.h5` → `run.xmf` (any extension is replaced; none is appended to), relative when `hdf5Path` is, so
    /// that the two paths a command prints read alike.
    public static func path(for hdf5Path: String) -> String {
        let ext = URL(fileURLWithPath: hdf5Path).pathExtension
        return ext.isEmpty || !hdf5Path.hasSuffix("." + ext) ? hdf5Path + ".xmf" : String(hdf5Path.dropLast(ext.count)) + "xmf"
    }

    /// Whether a sidecar may be written for `hdf5Path`: no file there, one of ours, or `overwrite`.
    public static func mayWrite(for hdf5Path: String, overwrite: Bool) -> Bool {
        let sidecar = path(for: hdf5Path)
        guard FileManager.default.fileExists(atPath: sidecar), !overwrite else { return true }
        guard let handle = FileHandle(forReadingAtPath: sidecar) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 512), as: UTF8.self)
        return head.contains(marker)
    }

    /// Writes the sidecar of the finished file `hdf5Path` (atomically) and returns its path, or nil when the
    /// file holds no 2-D phase-space field.
    @discardableResult
    public static func write(for hdf5Path: String) throws -> String? {
        let reader = try NetCDFReader(path: hdf5Path)
        let xml: String?
        do {
            xml = try document(reader, fileName: URL(fileURLWithPath: hdf5Path).lastPathComponent)
            reader.close()
        } catch {
            reader.close()
            throw error
        }
        guard let xml else { return nil }
        let destination = path(for: hdf5Path)
        let output = try AtomicOutput(destination: destination, overwrite: true)
        do {
            try xml.write(toFile: output.temporaryPath, atomically: false, encoding: .utf8)
            try output.commit()
        } catch {
            output.abandon()
            // Foundation's error is a dictionary dump; the system's own reason is the sentence.
            if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
                throw PhaseSpaceIOError(.notWritable, String(cString: strerror(Int32(posix.code))))
            }
            throw error
        }
        return destination
    }

    /// One plane of phase space: its axes (slow, fast) and the fields over it.
    struct Plane {
        var slow: String, fast: String
        var timeFields: [String] = []
        var staticFields: [String] = []
        var vectors: [(name: String, fast: String, slow: String)] = []
    }

    /// The XDMF document for an open sgdfp file, or nil if it has no 2-D phase-space field.
    static func document(_ reader: NetCDFReader, fileName: String) throws -> String? {
        let axisNames = reader.phaseSpaceAxisNames ?? []
        var sizes: [String: Int] = [:]
        for axis in axisNames { sizes[axis] = try reader.shape(of: axis)[0] }
        let time = reader.timeVariable
        let times = try time.map { try reader.read($0) } ?? []

        var planes: [String: Plane] = [:]
        var order: [String] = []
        for name in reader.variableNames where !axisNames.contains(name) {
            let dims = try reader.dimensions(of: name)
            let spatial = time != nil && dims.first == time ? Array(dims.dropFirst()) : dims
            guard spatial.count == 2, spatial.allSatisfy(axisNames.contains) else { continue }
            let key = spatial.joined(separator: "_")
            if planes[key] == nil { planes[key] = Plane(slow: spatial[0], fast: spatial[1]); order.append(key) }
            if time != nil && dims.first == time { planes[key]!.timeFields.append(name) } else { planes[key]!.staticFields.append(name) }
        }
        guard !order.isEmpty else { return nil }
        for key in order {
            var plane = planes[key]!
            let fields = Set(plane.staticFields)
            // d = 1: J = (current_theta, current_v) on the full (theta, v) plane.
            if fields.contains("current_\(plane.slow)"), fields.contains("current_\(plane.fast)") {
                plane.vectors.append(("current", "current_\(plane.fast)", "current_\(plane.slow)"))
            }
            // d = 2: the current integrated over the axes outside the plane.
            let marginal = "marginal_current_\(key)"
            if fields.contains("\(marginal)_\(plane.slow)"), fields.contains("\(marginal)_\(plane.fast)") {
                plane.vectors.append(("marginal_current", "\(marginal)_\(plane.fast)", "\(marginal)_\(plane.slow)"))
            }
            planes[key] = plane
        }

        var lines = ["<?xml version=\"1.0\" ?>", marker, "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>", "<Xdmf Version=\"2.0\">", "  <Domain>"]
        for key in order {
            let plane = planes[key]!
            let shape = "\(sizes[plane.slow]!) \(sizes[plane.fast]!)"
            func mesh(_ indent: String) -> [String] {
                [
                    "\(indent)<Topology TopologyType=\"2DRectMesh\" Dimensions=\"\(shape)\"/>",
                    "\(indent)<Geometry GeometryType=\"VXVY\">",
                    "\(indent)  \(heavy(fileName, plane.fast, "\(sizes[plane.fast]!)"))",
                    "\(indent)  \(heavy(fileName, plane.slow, "\(sizes[plane.slow]!)"))",
                    "\(indent)</Geometry>",
                ]
            }
            func staticAttributes(_ indent: String) -> [String] {
                plane.staticFields.flatMap { name in
                    ["\(indent)<Attribute Name=\"\(name)\" AttributeType=\"Scalar\" Center=\"Node\">",
                     "\(indent)  \(heavy(fileName, name, shape))",
                     "\(indent)</Attribute>"]
                } + plane.vectors.flatMap { vector in
                    ["\(indent)<Attribute Name=\"\(vector.name)\" AttributeType=\"Vector\" Center=\"Node\">",
                     "\(indent)  <DataItem ItemType=\"Function\" Function=\"JOIN($0, $1, 0*$0)\" Dimensions=\"\(shape) 3\">",
                     "\(indent)    \(heavy(fileName, vector.fast, shape))",
                     "\(indent)    \(heavy(fileName, vector.slow, shape))",
                     "\(indent)  </DataItem>",
                     "\(indent)</Attribute>"]
                }
            }
            if plane.timeFields.isEmpty || times.isEmpty {
                lines.append("    <Grid Name=\"\(key)\" GridType=\"Uniform\">")
                lines += mesh("      ") + staticAttributes("      ")
                lines.append("    </Grid>")
                continue
            }
            lines.append("    <Grid Name=\"\(key)\" GridType=\"Collection\" CollectionType=\"Temporal\">")
            for (index, t) in times.enumerated() {
                lines.append("      <Grid Name=\"\(key) t=\(t)\" GridType=\"Uniform\">")
                lines.append("        <Time Value=\"\(t)\"/>")
                lines += mesh("        ")
                for name in plane.timeFields {
                    lines += [
                        "        <Attribute Name=\"\(name)\" AttributeType=\"Scalar\" Center=\"Node\">",
                        "          <DataItem ItemType=\"HyperSlab\" Dimensions=\"\(shape)\" Type=\"HyperSlab\">",
                        "            <DataItem Dimensions=\"3 3\" Format=\"XML\">\(index) 0 0 1 1 1 1 \(shape)</DataItem>",
                        "            \(heavy(fileName, name, "\(times.count) \(shape)"))",
                        "          </DataItem>",
                        "        </Attribute>",
                    ]
                }
                lines += staticAttributes("        ")
                lines.append("      </Grid>")
            }
            lines.append("    </Grid>")
        }
        lines += ["  </Domain>", "</Xdmf>", ""]
        return lines.joined(separator: "\n")
    }

    private static func heavy(_ file: String, _ dataset: String, _ dimensions: String) -> String {
        "<DataItem Dimensions=\"\(dimensions)\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">\(escape(file)):/\(dataset)</DataItem>"
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
