console.log('hello from cli', process.version, process.argv.slice(2));
