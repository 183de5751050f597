// fakedruid's JDBC shell for a real Druid's metadata store (Derby network server started by the Coordinator).
//
// Run with Java's single-file source launcher and Druid's own derbyclient jar on the class path:
//   java -cp lib/derbyclient-<v>.jar SqlShell.java 'jdbc:derby://127.0.0.1:1527/var/metadata.db'
// Python has no Derby (DRDA) client, so fakedruid.real.metadata keeps one of these per cluster and talks to it
// over stdin/stdout, one request per line. Every field is a type letter followed by base64, so SQL text and
// blobs never need escaping:
//   request:  <op> TAB <sql> TAB <param>...      op: "exec" | "query" | "begin" | "commit" | "rollback"
//             param: "s<b64 utf-8 text>" | "x<b64 bytes>" | "b1" | "b0" | "i<decimal>" | "N" (SQL NULL)
//   answer:   zero or more "R" TAB <b64 utf-8 column>... rows (query), then "OK <update count or rows>",
//             or "ERR <b64 message>".
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;

public class SqlShell {
  public static void main(String[] args) throws Exception {
    Base64.Decoder dec = Base64.getDecoder();
    Base64.Encoder enc = Base64.getEncoder();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Connection conn = DriverManager.getConnection(args[0]);
    conn.setAutoCommit(true);
    out.println("READY");
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.split("\t", -1);
      try {
        switch (f[0]) {
          case "begin":
            conn.setAutoCommit(false);
            out.println("OK 0");
            break;
          case "commit":
            conn.commit();
            conn.setAutoCommit(true);
            out.println("OK 0");
            break;
          case "rollback":
            conn.rollback();
            conn.setAutoCommit(true);
            out.println("OK 0");
            break;
          case "exec":
          case "query":
            String sql = new String(dec.decode(f[1]), StandardCharsets.UTF_8);
            try (PreparedStatement st = conn.prepareStatement(sql)) {
              for (int i = 2; i < f.length; i++) {
                String p = f[i];
                char t = p.charAt(0);
                String v = p.substring(1);
                int idx = i - 1;
                if (t == 's') st.setString(idx, new String(dec.decode(v), StandardCharsets.UTF_8));
                else if (t == 'x') st.setBytes(idx, dec.decode(v));
                else if (t == 'b') st.setBoolean(idx, v.equals("1"));
                else if (t == 'i') st.setLong(idx, Long.parseLong(v));
                else if (t == 'N') st.setNull(idx, Types.VARCHAR);
                else throw new IllegalArgumentException("unknown parameter type " + t);
              }
              if (f[0].equals("exec")) {
                out.println("OK " + st.executeUpdate());
              } else {
                int n = 0;
                try (ResultSet rs = st.executeQuery()) {
                  int cols = rs.getMetaData().getColumnCount();
                  while (rs.next()) {
                    StringBuilder row = new StringBuilder("R");
                    for (int c = 1; c <= cols; c++) {
                      String s = rs.getString(c);
                      row.append('\t').append(s == null ? "N" : "s" + enc.encodeToString(s.getBytes(StandardCharsets.UTF_8)));
                    }
                    out.println(row);
                    n++;
                  }
                }
                out.println("OK " + n);
              }
            }
            break;
          default:
            throw new IllegalArgumentException("unknown op " + f[0]);
        }
      } catch (SQLException | RuntimeException e) {
        out.println("ERR " + enc.encodeToString(String.valueOf(e).getBytes(StandardCharsets.UTF_8)));
      }
      out.flush();
    }
    conn.close();
  }
}
