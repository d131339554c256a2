from destination_eaccounting.run import run

if __name__ == "__main__":
    run()
