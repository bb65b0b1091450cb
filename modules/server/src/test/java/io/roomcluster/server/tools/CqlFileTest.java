package io.roomcluster.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.roomcluster.server.tools.CqlFile.Statement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CqlFileTest {

  @Test
  void splitsOnSemicolonsOutsideCommentsAndQuotes() {
    String cql = """
        -- a comment; with a semicolon
        CREATE KEYSPACE IF NOT EXISTS k
          WITH REPLICATION = { 'class' : 'SimpleStrategy', 'replication_factor' : 1 };

        /* block; comment
           over lines */ INSERT INTO k.t (a, b) VALUES ('it''s; fine', 'x'); // trailing; comment
        SELECT "odd;name" FROM k.t;
        CREATE FUNCTION k.f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java
          AS $$ return x; $$
        """;
    List<Statement> statements = CqlFile.split(cql);
    assertEquals(4, statements.size(), statements.toString());
    assertEquals(new Statement(2, "CREATE KEYSPACE IF NOT EXISTS k\n"
        + "  WITH REPLICATION = { 'class' : 'SimpleStrategy', 'replication_factor' : 1 }"),
        statements.get(0));
    assertEquals(new Statement(6, "INSERT INTO k.t (a, b) VALUES ('it''s; fine', 'x')"),
        statements.get(1));
    assertEquals(new Statement(7, "SELECT \"odd;name\" FROM k.t"), statements.get(2));
    assertEquals(8, statements.get(3).line());
    assertTrue(statements.get(3).cql().endsWith("AS $$ return x; $$"), statements.get(3).cql());
  }

  @Test
  void emptyInputAndCommentsOnlyGiveNoStatements() {
    assertEquals(List.of(), CqlFile.split(""));
    assertEquals(List.of(), CqlFile.split("-- nothing\n;;\n/* still nothing */\n"));
  }

  @Test
  void unterminatedQuotesAreErrors() {
    assertThrows(IllegalArgumentException.class, () -> CqlFile.split("SELECT 'open"));
    assertThrows(IllegalArgumentException.class, () -> CqlFile.split("/* open"));
  }

  @Test
  void theProjectSchemaSplitsIntoItsEightStatements() throws Exception {
    Path schema = Path.of("..", "..", "cluster-config", "cassandra-schema.cql");
    List<Statement> statements = CqlFile.split(Files.readString(schema));
    assertEquals(8, statements.size());
    assertTrue(statements.get(0).cql().startsWith("CREATE KEYSPACE IF NOT EXISTS roomcluster"));
    statements.subList(1, 8).forEach(s ->
        assertTrue(s.cql().startsWith("CREATE TABLE IF NOT EXISTS roomcluster."), s.cql()));
  }

  @Test
  void badUsageExitsWithTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, CqlFile.run(new String[] {}, System.out, errStream));
    assertEquals(2, CqlFile.run(new String[] {"--probe", "x.cql"}, System.out, errStream));
    assertEquals(2, CqlFile.run(new String[] {"--contact", "nohostport", "--probe"}, System.out, errStream));
    assertEquals(2, CqlFile.run(new String[] {"--bogus"}, System.out, errStream));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: CqlFile"));
  }
}
