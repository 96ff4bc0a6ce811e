fn main() {
    eprintln!("rustfront: not yet");
}
