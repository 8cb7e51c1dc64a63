/// The canned queries of this folder, built into the binary: `posrca query` and `posrca report` use
/// them where no `Queries` folder is found (an installed binary, another working directory).
///
/// The `EmbedQueries` build plugin (`Plugins/EmbedQueries`) reads every `NAME.sql` here on each
/// build and generates `generatedFiles` in the build folder: a query added, edited or removed needs
/// no other step, and no copy of the queries is kept in the repository. This file is the module's
/// only source; `posrca` reads the folder's `.sql` files and ignores it.
public enum BuiltInQueries {
    /// (name, whole file text) of each `NAME.sql` in this folder, sorted by name.
    public static var files: [(name: String, text: String)] { generatedFiles }
}
