package com.example;

/** Builds the response text. */
final class Greeting {
    private Greeting() {}

    static String text(String path) {
        return "hello from rustfront's java example, you asked for " + path + "\n";
    }
}
