from destination_exact_online.run import run

if __name__ == "__main__":
    run()
